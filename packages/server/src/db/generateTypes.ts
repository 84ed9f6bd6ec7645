// `pnpm db:types` regenerates src/db/schema.ts from the migrated schema with kysely-codegen; with --check
// (`db:types:check`, run by CI) it fails when the committed file differs from what the migrations produce.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parseEnv } from '../env';
import { withDatabase } from './connect';
import { startEmbeddedPostgres } from './embedded';
import { migrate } from './migrate';

const OUT_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'schema.ts');

// The live database holds rows our schema forbids (reference original-system §3.3): single-restaurant jobs with
// a null batch_job_id. Reads must expect null; writes still require a batch (we never write such rows).
const OVERRIDES = {
  columns: {
    'registration_jobs.batch_job_id': 'ColumnType<string | null, string, string>',
  },
};

async function run(check: boolean, supabaseDir: string | undefined): Promise<number> {
  const env = parseEnv(process.env);
  const external = env.TEST_DATABASE_URL ?? env.DATABASE_URL;
  const scratch = path.join(os.tmpdir(), `regbatch-types-${process.pid}-${randomBytes(4).toString('hex')}`);
  const quiet = { info: () => {}, debug: () => {}, warn: (message: string) => console.warn(message) };
  const embedded = external
    ? undefined
    : await startEmbeddedPostgres({ dataDir: path.join(scratch, 'pg'), port: await freePort(), ephemeral: true, log: quiet });
  const adminUrl = external ?? embedded!.url;
  const name = `regbatch_types_${randomBytes(6).toString('hex')}`;
  try {
    await admin(adminUrl, `create database "${name}"`);
    const url = withDatabase(adminUrl, name);
    await migrate(url, supabaseDir ? { supabaseDir } : {});
    const bin = path.join(path.dirname(createRequire(import.meta.url).resolve('kysely-codegen/package.json')), 'dist/cli/bin.js');
    const result = spawnSync(
      process.execPath,
      [bin, '--dialect', 'postgres', '--url', url, '--include-pattern', 'public.*', '--out-file', OUT_FILE, '--log-level', 'error',
        '--overrides', JSON.stringify(OVERRIDES),
        ...(check ? ['--verify'] : [])],
      { stdio: 'inherit' },
    );
    if (result.status !== 0 && check) {
      console.error(`${path.relative(process.cwd(), OUT_FILE)} is out of date with supabase/migrations: run \`pnpm db:types\` and commit it.`);
    } else if (result.status === 0) {
      console.log(check ? 'Database types are up to date.' : `Wrote ${OUT_FILE}`);
    }
    return result.status ?? 1;
  } finally {
    await admin(adminUrl, `drop database if exists "${name}" with (force)`).catch(() => {});
    await embedded?.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

// --supabase-dir <dir> generates from another copy of supabase/ (e.g. to leave out uncommitted migrations).
const dirFlag = process.argv.indexOf('--supabase-dir');
process.exitCode = await run(process.argv.includes('--check'), dirFlag > 0 ? process.argv[dirFlag + 1] : undefined);
