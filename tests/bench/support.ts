// What the batch-scale benchmarks share (issue 9): an embedded PostgreSQL (or BENCH_DATABASE_URL) with a migrated,
// seeded database, the engine runtime, restaurants to batch, percentiles, a table printer and the JSON writer.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { sql } from 'kysely';
import { createDb } from '../../packages/server/src/db/index';
import { migrate } from '../../packages/server/src/db/migrate';
import { startEmbeddedPostgres } from '../../packages/server/src/db/embedded';
import { withDatabase, ensureDatabase } from '../../packages/server/src/db/connect';
import { SEED_ORGANISATIONS } from '../../packages/server/src/db/seedIdentities';
import { createEngineRuntime, type EngineRuntime } from '../../packages/server/src/engine/runtime';
import { parseKeyringSpec } from '../../packages/server/src/secrets/keyring';
import type { Db } from '../../packages/server/src/engine/db';

export const ORG = SEED_ORGANISATIONS.a.id;
export const SYSTEM = { type: 'system', name: 'bench' } as const;
export const AUTO = { select: 'confident', config: 'defaults' } as const;
export const log = pino({ level: process.env['BENCH_LOG_LEVEL'] ?? 'warn' });
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SERVER_DIR = path.join(ROOT, 'packages/server');

export interface BenchDb {
  url: string;
  db: Db;
  rt: EngineRuntime;
  keySpec: string;
  where: string;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** A fresh migrated + seeded database on embedded PostgreSQL (fsync off) or on BENCH_DATABASE_URL's server. */
export async function benchDb(poolSize = 16): Promise<BenchDb> {
  let stop = async () => {};
  let url = process.env['BENCH_DATABASE_URL'];
  let where = 'BENCH_DATABASE_URL';
  if (!url) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'regbatch-bench-'));
    const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), ephemeral: true, log: { info: () => {}, debug: () => {}, warn: () => {} } });
    url = pg.url;
    where = `embedded PostgreSQL (fsync off)`;
    stop = async () => {
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }
  const name = `regbatch_bench_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(url, name);
  const dbUrl = withDatabase(url, name);
  await migrate(dbUrl, { seed: true });
  const db = createDb(dbUrl, { max: poolSize });
  const keySpec = `bench:${randomBytes(32).toString('base64')}`;
  const rt = createEngineRuntime({ url: dbUrl, db, log, keyring: parseKeyringSpec(keySpec) });
  return {
    url: dbUrl,
    db,
    rt,
    keySpec,
    where,
    async close() {
      await rt.close();
      await db.destroy().catch(() => undefined);
      await stop();
    },
  };
}

export async function makeRestaurants(db: Db, n: number, prefix: string) {
  const { rows } = await sql<{ id: string; name: string }>`
    insert into restaurants (name, organisation_id, address, city)
    select ${prefix} || ' ' || g, ${ORG}, g || ' Queen Street', 'Auckland' from generate_series(1, ${n}) g returning id, name`.execute(db);
  return rows.map((r) => ({ restaurant: { id: r.id, name: r.name, address: `1 Queen Street`, city: 'Auckland' }, autoPolicies: AUTO }));
}

export function pct(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

export async function waitUntil(fn: () => Promise<boolean>, timeoutMs: number, what: string, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function batchSettled(db: Db, batchId: string): Promise<boolean> {
  const { rows } = await sql<{ status: string }>`select status from registration_batch_jobs where id = ${batchId}`.execute(db);
  return rows[0]?.status === 'completed' || rows[0]?.status === 'failed';
}

/** Prints rows as an aligned table. */
export function table(rows: readonly Record<string, string | number>[]): string {
  if (rows.length === 0) return '(no rows)';
  const cols = Object.keys(rows[0]!);
  const cell = (v: string | number | undefined) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : (v ?? ''));
  const w = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(w[i]!)).join('  ');
  return [line(cols), line(w.map((n) => '-'.repeat(n))), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join('\n');
}

/** Writes bench-results/<name>-<timestamp>.json (gitignored) with the machine's facts beside the figures. */
export function writeResult(name: string, data: unknown): string {
  const dir = path.join(ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const machine = { cores: os.cpus().length, load1: os.loadavg()[0], node: process.version, at: new Date().toISOString() };
  writeFileSync(file, JSON.stringify({ machine, ...(data as object) }, null, 2));
  return file;
}
