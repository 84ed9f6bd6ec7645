// `regbatch migrate` as a user runs it: the bin, the environment, the exit codes.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli';
import { createTestDatabase } from '../../src/testing/database';
import type { TestDatabase } from '../../src/testing/database';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/regbatch.js');

function regbatch(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The same entry point the bin calls, in this process (the bin itself is exercised once above: tsx start-up is slow). */
async function inProcess(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'regbatch', ...args], env, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

const databases: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
});

describe('regbatch migrate', () => {
  it('the bin migrates and seeds the DATABASE_URL database; a second run reports nothing left to apply', async () => {
    const database = await createTestDatabase({ empty: true });
    databases.push(database);
    const first = await regbatch(['migrate', '--seed', '--json'], { DATABASE_URL: database.url });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout) as { bootstrapped: boolean; applied: string[]; seeded: boolean };
    expect(result.bootstrapped).toBe(true);
    expect(result.applied.length).toBeGreaterThan(0);
    expect(result.seeded).toBe(true);

    const second = await inProcess(['migrate'], { DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^DATABASE_URL: 0 migration\(s\) applied, \d+ already applied\.$/m);
  });

  it('rejects a bad environment variable by name and value, with exit code 2', async () => {
    const run = await inProcess(['migrate'], { REGBATCH_PG_PORT: 'seventy' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('REGBATCH_PG_PORT="seventy"');
  });

  it('hides the password of a bad DATABASE_URL', async () => {
    const run = await inProcess(['migrate'], { DATABASE_URL: 'mysql://me:secret@host/db' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('DATABASE_URL="mysql://me:***@host/db"');
    expect(run.stderr).not.toContain('secret');
  });

  it('names the unknown command and exits non-zero', async () => {
    const run = await inProcess(['migrat'], {});
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("unknown command 'migrat'");
  });
});
