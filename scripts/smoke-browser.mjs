#!/usr/bin/env node
// CI smoke test: launch the browser the tests will use, render a page, and close it.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

const require = createRequire(new URL('../packages/automation/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const executablePath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].find((p) => p && existsSync(p));
const browser = await chromium.launch({
  ...(executablePath ? { executablePath } : {}),
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const page = await browser.newPage();
await page.setContent('<h1>regbatch smoke</h1>');
const text = await page.textContent('h1');
await browser.close();
if (text !== 'regbatch smoke') throw new Error(`browser smoke test read ${JSON.stringify(text)}`);
console.log(`browser smoke test: ok (${executablePath ?? 'playwright build'}, ${browser.version()})`);
