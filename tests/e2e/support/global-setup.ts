// Starts the stack (support/stack.ts under tsx) unless E2E_BASE_URL points at a running one (then E2E_SANDBOX_URL
// and E2E_LEADS_FILE name its sandbox and leads), and hands its URLs to the tests through the environment.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { existsSync } from 'node:fs';

const root = path.resolve(import.meta.dirname, '../../..');
export const PID_FILE = path.join(root, 'test-results', 'e2e-stack.pid');

export default async function globalSetup(): Promise<void> {
  if (!existsSync(path.join(root, 'packages/web/dist/index.html'))) {
    throw new Error('packages/web/dist is missing: run `pnpm build:web` (pnpm test:e2e does it for you)');
  }
  if (process.env.E2E_BASE_URL) return;
  const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
  const child = spawn(tsx, [path.join(import.meta.dirname, 'stack.ts')], {
    cwd: root,
    env: { ...process.env },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: false,
  });
  const ready = await new Promise<{ url: string; databaseUrl: string; leadsFile: string; sandboxUrl: string }>(
    (resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the e2e stack did not start within 180 s')), 180_000);
      child.once('exit', (code) =>
        reject(new Error(`the e2e stack exited with code ${code} before it was ready`)),
      );
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (!line.startsWith('{')) return process.stdout.write(`${line}\n`);
        clearTimeout(timer);
        resolve(JSON.parse(line) as { url: string; databaseUrl: string; leadsFile: string; sandboxUrl: string });
      });
    },
  );
  process.env.E2E_BASE_URL = ready.url;
  process.env.E2E_LEADS_FILE = ready.leadsFile;
  process.env.E2E_SANDBOX_URL = ready.sandboxUrl;
  mkdirSync(path.dirname(PID_FILE), { recursive: true });
  writeFileSync(PID_FILE, String(child.pid));
}
