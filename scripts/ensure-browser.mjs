#!/usr/bin/env node
// Makes sure a Chromium exists for Playwright: CHROMIUM_PATH, Debian's /usr/bin/chromium, or Playwright's own build.
// Installs one when none is found: Debian's chromium when root with apt-get, otherwise `npx playwright install chromium`.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../packages/automation/package.json', import.meta.url));

function playwrightChromium() {
  try {
    const { chromium } = require('playwright-core');
    const path = chromium.executablePath();
    return path && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const path of candidates) if (path && existsSync(path)) return path;
  return playwrightChromium();
}

function hasCommand(name) {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const found = findChromium();
if (found) {
  console.log(`browser: ${found}`);
  process.exit(0);
}
if (process.env.BROWSER_WS_ENDPOINT) {
  console.log(`browser: remote at ${process.env.BROWSER_WS_ENDPOINT}`);
  process.exit(0);
}
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot && hasCommand('apt-get')) {
  console.log('No Chromium found: installing Debian’s chromium (apt-get).');
  execFileSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium'], {
    stdio: 'inherit',
  });
} else {
  console.log('No Chromium found: installing Playwright’s chromium (npx playwright install chromium).');
  execFileSync('npx', ['-y', 'playwright-core', 'install', 'chromium'], { stdio: 'inherit' });
}
const installed = findChromium();
if (!installed) {
  console.error('Could not install a Chromium. Set CHROMIUM_PATH to a Chromium or Chrome binary.');
  process.exit(1);
}
console.log(`browser: ${installed}`);
