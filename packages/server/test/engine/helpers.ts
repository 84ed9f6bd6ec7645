// Shared fixtures of the engine suites: a cloned test database with the engine wired to the real machines,
// restaurants to batch, in-process and child-process workers, waiting, and the projection/replay checks.
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import pino from 'pino';
import { sql } from 'kysely';
import type { AnyMachineSnapshot } from 'xstate';
import { SEED_ORGANISATIONS } from '../../src/db/seedIdentities';
import { createTestDatabase, type TestDatabase } from '../../src/testing/database';
import { createEngineRuntime, type EngineRuntime } from '../../src/engine/runtime';
import { parseKeyringSpec } from '../../src/secrets/keyring';
import { restore, start, step, persist, type MachineSet } from '../../src/engine/machines';
import { stableJson } from '../../src/engine/rows';
import type { Db } from '../../src/engine/db';
import { createWorker, type Worker } from '../../src/work/worker';
import { createRegistry, type TaskHandler } from '../../src/work/registry';
import { createSimulateHandlers, type SimulateConfig } from '../../src/work/simulate';
import { defaultLimits, type Limits } from '../../src/work/limits';

export const ORG = SEED_ORGANISATIONS.a.id;
export const SYSTEM = { type: 'system', name: 'test' } as const;
export const AUTO = { select: 'confident', config: 'defaults' } as const;
const here = path.dirname(fileURLToPath(import.meta.url));
export const SERVER_DIR = path.resolve(here, '../..');
/** The real `regbatch` executable. */
export const REGBATCH_BIN = path.join(SERVER_DIR, 'bin', 'regbatch.js');

export const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' });

export interface Harness {
  readonly tdb: TestDatabase;
  readonly rt: EngineRuntime;
  readonly db: Db;
  readonly keySpec: string;
  readonly workers: Worker[];
  readonly children: ChildProcess[];
  close(): Promise<void>;
}

export async function harness(): Promise<Harness> {
  const tdb = await createTestDatabase();
  const keySpec = `test-key:${randomBytes(32).toString('base64')}`;
  const rt = createEngineRuntime({ url: tdb.url, log, keyring: parseKeyringSpec(keySpec), poolSize: 12 });
  const workers: Worker[] = [];
  const children: ChildProcess[] = [];
  return {
    tdb,
    rt,
    db: rt.db,
    keySpec,
    workers,
    children,
    async close() {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.stop()));
      await rt.close();
      await tdb.drop();
    },
  };
}

export interface RestaurantRow {
  id: string;
  name: string;
  address: string;
  city: string;
}

export async function makeRestaurants(db: Db, n: number, prefix = 'Kai'): Promise<RestaurantRow[]> {
  const { rows } = await sql<RestaurantRow>`
    insert into restaurants (name, organisation_id, address, city)
    select ${prefix} || ' Kitchen ' || g, ${ORG}, g || ' Queen Street', 'Auckland' from generate_series(1, ${n}) g
    returning id, name, address, city`.execute(db);
  return rows;
}

export function restaurantsInput(rows: readonly RestaurantRow[], extra: { autoPolicies?: typeof AUTO | { select: 'confident' | 'never'; config: 'defaults' | 'never' }; executionConfig?: unknown } = {}) {
  return rows.map((r) => ({ restaurant: { id: r.id, name: r.name, address: r.address, city: r.city }, ...extra }));
}

export function inProcessWorker(
  h: Harness,
  opts: { simulate?: SimulateConfig; handlers?: Record<string, TaskHandler>; limits?: Limits; concurrency?: number; leaseMs?: number; listen?: boolean } = {},
): Worker {
  const w = createWorker(
    { db: h.db, engine: h.rt.engine, secrets: h.rt.secrets, log, registry: createRegistry(createSimulateHandlers(opts.simulate ?? fast), opts.handlers ?? {}) },
    {
      maxInProcess: opts.concurrency ?? 8,
      leaseMs: opts.leaseMs ?? 5_000,
      pollMs: 2_000,
      limits: opts.limits ?? defaultLimits({ accountGapMs: 20, browserSlots: 16 }),
      listenUrl: opts.listen === false ? null : h.tdb.url,
    },
  );
  h.workers.push(w);
  return w;
}

/** Short simulated durations: the suite tests orchestration, not waiting. */
export const fast: SimulateConfig = { durations: { default: { minMs: 2, maxMs: 10 } } };

export const WORKER_ENTRY = path.join(here, 'fixtures', 'worker-process.ts');

export type WorkerChild = ChildProcess & { output: () => string; ready: Promise<number> };

/**
 * A `regbatch worker` child process: through the real executable (`entry: 'bin'`), or the worker command alone
 * (`entry: 'worker'`, same registration, faster start). `ready` resolves (with the time) when it is claiming.
 */
export function spawnWorker(h: Harness, args: readonly string[], entry: 'bin' | 'worker' = 'worker'): WorkerChild {
  const argv = entry === 'bin' ? [REGBATCH_BIN, 'worker'] : ['--import', 'tsx', WORKER_ENTRY, 'worker'];
  const child = spawn(process.execPath, [...argv, '--handlers', 'simulate', ...args], {
    cwd: SERVER_DIR,
    env: { ...process.env, DATABASE_URL: h.tdb.url, REGBATCH_SECRET_KEYS: h.keySpec, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let markReady: (t: number) => void = () => undefined;
  const ready = new Promise<number>((resolve) => (markReady = resolve));
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes(' running (')) markReady(Date.now());
  });
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  // A worker that dies before it is ready settles `ready` too (with NaN), so a test reports it instead of hanging.
  child.once('exit', () => markReady(Number.NaN));
  h.children.push(child);
  return Object.assign(child, { output: () => out, ready });
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs: number, what: string, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== null && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function batchRow(db: Db, batchId: string) {
  const { rows } = await sql<{ status: string; completed_restaurants: number; failed_restaurants: number; total_restaurants: number; metadata: Record<string, unknown> }>`
    select status, completed_restaurants, failed_restaurants, total_restaurants, metadata from registration_batch_jobs where id = ${batchId}`.execute(db);
  return rows[0]!;
}

export async function jobStatuses(db: Db, batchId: string): Promise<Record<string, number>> {
  const { rows } = await sql<{ status: string; n: string }>`select status, count(*) as n from registration_jobs where batch_job_id = ${batchId} group by status`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

export async function waitForBatch(db: Db, batchId: string, statuses: readonly string[], timeoutMs: number) {
  return waitFor(async () => {
    const b = await batchRow(db, batchId);
    return statuses.includes(b.status) ? b : undefined;
  }, timeoutMs, `batch ${batchId} to reach ${statuses.join('|')}`, 100);
}

// ---- projection and replay checks ----

/** Normalises DB and projected values alike: timestamps to ISO instants, numeric strings untouched. */
function norm(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.test(v)) return new Date(v).toISOString();
  if (Array.isArray(v)) return v.map(norm);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm(x)]));
  return v === undefined ? null : v;
}

export function diffRow(where: string, row: Record<string, unknown>, projected: Record<string, unknown>, skip: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(projected)) {
    if (skip.includes(k) || v === undefined) continue;
    if (stableJson(norm(row[k])) !== stableJson(norm(v))) out.push(`${where}.${k}: row ${JSON.stringify(norm(row[k]))} != projected ${JSON.stringify(norm(v))}`);
  }
  return out;
}

/**
 * Reads every job of the batch, its steps, its search row and the batch row in ONE repeatable-read snapshot and
 * compares them with the projection of the stored machine snapshots. Returns the differences (empty = equal).
 */
export async function projectionDiffs(db: Db, machines: MachineSet, batchId: string): Promise<string[]> {
  return db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
    const diffs: string[] = [];
    const { rows: jobs } = await sql<Record<string, unknown>>`select * from registration_jobs where batch_job_id = ${batchId}`.execute(trx);
    const { rows: steps } = await sql<Record<string, unknown>>`
      select s.* from registration_job_steps s join registration_jobs j on j.id = s.job_id where j.batch_job_id = ${batchId}`.execute(trx);
    const { rows: cands } = await sql<Record<string, unknown>>`
      select c.* from companies_office_search_candidates c join registration_jobs j on j.id = c.registration_job_id where j.batch_job_id = ${batchId}`.execute(trx);
    const { rows: batches } = await sql<Record<string, unknown>>`select * from registration_batch_jobs where id = ${batchId}`.execute(trx);
    for (const j of jobs) {
      const p = machines.job.project(restore(machines.job.machine, j.machine_snapshot));
      diffs.push(...diffRow(`job ${String(j.id)}`, j, p.job, ['id', 'created_at', 'updated_at']));
      for (const s of p.steps) {
        const row = steps.find((r) => r.job_id === j.id && r.step_number === s.step_number);
        if (!row) diffs.push(`job ${String(j.id)} step ${String(s.step_number)}: row missing`);
        else diffs.push(...diffRow(`job ${String(j.id)} step ${String(s.step_number)}`, row, s, ['id', 'job_id', 'created_at', 'updated_at']));
      }
      // The job's step_statuses column (the batch detail's counters) always matches its step rows' statuses.
      const statuses = [...p.steps].sort((a, b) => Number(a.step_number) - Number(b.step_number)).map((s) => s.status);
      if (JSON.stringify(j.step_statuses) !== JSON.stringify(statuses)) {
        diffs.push(`job ${String(j.id)} step_statuses: ${JSON.stringify(j.step_statuses)} != ${JSON.stringify(statuses)}`);
      }
      const c = cands.find((r) => r.registration_job_id === j.id);
      if (p.searchCandidates && !c) diffs.push(`job ${String(j.id)}: search candidates row missing`);
      if (p.searchCandidates && c) diffs.push(...diffRow(`job ${String(j.id)} search`, c, p.searchCandidates, ['id', 'created_at', 'updated_at']));
    }
    const b = batches[0]!;
    diffs.push(...diffRow('batch', b, machines.batch.project(restore(machines.batch.machine, b.machine_snapshot)), ['id', 'created_at', 'updated_at']));
    return diffs;
  });
}

/** Replays a job's (or batch's) event log from its creation input; returns the replayed and the stored persisted snapshots. */
export async function replay(db: Db, machines: MachineSet, target: { type: 'job' | 'batch'; id: string }): Promise<{ replayed: unknown; stored: unknown; events: number }> {
  const adapter = target.type === 'job' ? machines.job : machines.batch;
  const { rows: events } = await (target.type === 'job'
    ? sql<{ event: { type: string; input?: unknown } }>`select event from registration_job_events where job_id = ${target.id} order by revision`
    : sql<{ event: { type: string; input?: unknown } }>`select event from registration_job_events where batch_id = ${target.id} and job_id is null order by revision`
  ).execute(db);
  const [first, ...rest] = events;
  if (first?.event.type !== 'engine.created') throw new Error(`${target.type} ${target.id}: event log does not start with its creation`);
  let snap: AnyMachineSnapshot = start(adapter.machine, first.event.input)[0];
  for (const e of rest) snap = step(adapter.machine, snap, e.event)[0];
  const table = target.type === 'job' ? sql`registration_jobs` : sql`registration_batch_jobs`;
  const { rows } = await sql<{ machine_snapshot: unknown }>`select machine_snapshot from ${table} where id = ${target.id}`.execute(db);
  return { replayed: JSON.parse(JSON.stringify(persist(adapter.machine, snap))), stored: rows[0]?.machine_snapshot, events: events.length };
}
