// `regbatch migrate` as a user runs it: the bin, the environment, the exit codes.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
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

const databases: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
});

describe('regbatch migrate', () => {
  it('migrates and seeds the DATABASE_URL database, then reports nothing left to apply', async () => {
    const database = await createTestDatabase({ empty: true });
    databases.push(database);
    const first = await regbatch(['migrate', '--seed', '--json'], { DATABASE_URL: database.url });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout) as { bootstrapped: boolean; applied: string[]; seeded: boolean };
    expect(result.bootstrapped).toBe(true);
    expect(result.applied.length).toBeGreaterThan(0);
    expect(result.seeded).toBe(true);

    const second = await regbatch(['migrate'], { DATABASE_URL: database.url });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^DATABASE_URL: 0 migration\(s\) applied, \d+ already applied\.$/m);
  });

  it('rejects a bad environment variable by name and value, with exit code 2', async () => {
    const run = await regbatch(['migrate'], { REGBATCH_PG_PORT: 'seventy' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('REGBATCH_PG_PORT="seventy"');
  });

  it('hides the password of a bad DATABASE_URL', async () => {
    const run = await regbatch(['migrate'], { DATABASE_URL: 'mysql://me:secret@host/db' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('DATABASE_URL="mysql://me:***@host/db"');
    expect(run.stderr).not.toContain('secret');
  });
});
