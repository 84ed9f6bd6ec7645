// Runs the CLI in this process exactly as the bin does (main() with argv and an environment), capturing its output,
// against a cloned test database and a throwaway REGBATCH_HOME.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli';
import { createTestDatabase, type TestDatabase } from '../../src/testing/database';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const EXAMPLE_LEADS = path.join(ROOT, 'examples/leads.csv');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function regbatch(args: string[], env: Record<string, string>): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'regbatch', ...args], { LOG_LEVEL: 'warn', ...env }, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

export interface CliWorld {
  database: TestDatabase;
  home: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function createCliWorld(): Promise<CliWorld> {
  const database = await createTestDatabase();
  const home = mkdtempSync(path.join(tmpdir(), 'regbatch-cli-'));
  return {
    database,
    home,
    env: { DATABASE_URL: database.url, REGBATCH_HOME: home },
    async close() {
      await database.drop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
