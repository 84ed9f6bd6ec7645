#!/usr/bin/env node
// The regbatch executable: runs the TypeScript CLI through tsx (the packages ship TypeScript source).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exit(await main(process.argv, process.env));
