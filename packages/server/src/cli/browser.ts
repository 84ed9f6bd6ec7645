// The demo's first step: a Chromium for Playwright. The same rules as scripts/ensure-browser.mjs (shared with tests
// and CI): CHROMIUM_PATH or Debian's /usr/bin/chromium or Playwright's own build; a remote BROWSER_WS_ENDPOINT needs
// none; otherwise install one, Debian's chromium when root with apt-get, else `npx playwright-core install chromium`.
import { execFileSync } from 'node:child_process';
import { findChromium } from '@regbatch/automation';

export interface EnsuredBrowser {
  /** Local binary, or null when a remote endpoint is used. */
  readonly executablePath: string | null;
  readonly wsEndpoint: string | null;
  readonly installed: boolean;
}

export class BrowserInstallError extends Error {
  readonly code = 'browser_unavailable';
  readonly retryable = false;
}

function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function ensureBrowser(opts: { chromiumPath?: string | undefined; wsEndpoint?: string | undefined; print: (line: string) => void }): EnsuredBrowser {
  const found = findChromium(opts.chromiumPath ?? null);
  if (found) return { executablePath: found, wsEndpoint: null, installed: false };
  if (opts.wsEndpoint) return { executablePath: null, wsEndpoint: opts.wsEndpoint, installed: false };
  const isRoot = process.getuid?.() === 0;
  try {
    if (isRoot && hasCommand('apt-get')) {
      opts.print('No Chromium found: installing Debian’s chromium (apt-get install chromium)…');
      execFileSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium'], { stdio: ['ignore', 'inherit', 'inherit'] });
    } else {
      opts.print('No Chromium found: installing Playwright’s chromium (npx playwright-core install chromium)…');
      execFileSync('npx', ['-y', 'playwright-core', 'install', 'chromium'], { stdio: ['ignore', 'inherit', 'inherit'] });
    }
  } catch (error) {
    throw new BrowserInstallError(`installing Chromium failed (${error instanceof Error ? error.message : String(error)}); set CHROMIUM_PATH to a Chromium or Chrome binary`);
  }
  const installed = findChromium(opts.chromiumPath ?? null);
  if (!installed) throw new BrowserInstallError('Chromium is still missing after installing it; set CHROMIUM_PATH to a Chromium or Chrome binary');
  return { executablePath: installed, wsEndpoint: null, installed: true };
}
