// Recovery benchmark (DESIGN §11, issue 9): a 1,000-restaurant simulate batch in flight across 3 `regbatch worker` processes,
// kill -9 all of them, start 3 new ones. Prints the time until every orphaned task is claimable again (lease expiry
// + how long after), the drain time of the backlog against the normal rate, and duplicate effects (must be 0).
// Run: pnpm bench:recovery   (BENCH_RECOVERY_RESTAURANTS=1000, BENCH_LEASE_MS=10000)
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { sql } from 'kysely';
import { AUTO, ORG, SERVER_DIR, SYSTEM, batchSettled, benchDb, makeRestaurants, table, waitUntil, writeResult, type BenchDb } from './support';

const N = Number(process.env['BENCH_RECOVERY_RESTAURANTS'] ?? 1000);
const LEASE_MS = Number(process.env['BENCH_LEASE_MS'] ?? 10_000);
// Each restaurant's step-1 extraction holds its task long enough (the start of 1,000 jobs and their claims take tens
// of seconds on 2 cores) that all N are in flight together when the kill comes.
const SIM = { durations: { default: { minMs: 20, maxMs: 60 }, 'extraction.run': { minMs: 45_000, maxMs: 50_000 } } };
// Enough handler slots for every restaurant's extraction at once (3 × 340 ≥ 1,000 tasks in flight); a handler holds a
// connection only while it queries, so each process keeps its default pool (24) and three stay under PostgreSQL's 100.
const CONCURRENCY = Number(process.env['BENCH_RECOVERY_CONCURRENCY'] ?? Math.ceil(N / 3) + 6);
const ARGS = ['--concurrency', String(CONCURRENCY), '--lease-ms', String(LEASE_MS), '--poll-ms', '500', '--account-gap-ms', '0', '--browser-slots', String(N + 100), '--reconcile-ms', '0', '--simulate', JSON.stringify(SIM)];

function worker(b: BenchDb): ChildProcess & { ready: Promise<void> } {
  const child = spawn(process.execPath, [path.join(SERVER_DIR, 'bin/regbatch.js'), 'worker', '--target', 'simulate', ...ARGS], {
    cwd: SERVER_DIR,
    env: { ...process.env, DATABASE_URL: b.url, REGBATCH_SECRET_KEYS: b.keySpec, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const ready = new Promise<void>((resolve) => child.stdout?.on('data', (d: Buffer) => ((out += d.toString()), out.includes(' running (') && resolve())));
  return Object.assign(child, { ready });
}

async function inFlight(b: BenchDb, batchId: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from registration_tasks where batch_id = ${batchId} and status = 'running'`.execute(b.db);
  return Number(rows[0]!.n);
}

async function runBatch(b: BenchDb, name: string, kill: boolean) {
  let procs = [worker(b), worker(b), worker(b)];
  await Promise.all(procs.map((p) => p.ready));
  const restaurants = (await makeRestaurants(b.db, N, name)).map((r) => ({ ...r, autoPolicies: AUTO }));
  const { batchId } = await b.rt.engine.createBatch({ organisationId: ORG, name, restaurants });
  const t0 = Date.now();
  await b.rt.engine.applyEventOrThrow({ type: 'batch', id: batchId }, { type: 'batch.start' }, SYSTEM);
  const out: Record<string, string | number> = { run: name, restaurants: N };
  if (kill) {
    await waitUntil(async () => (await inFlight(b, batchId)) >= Math.min(N, 3 * CONCURRENCY) * 0.9, 300_000, 'tasks in flight', 100);
    const orphans = await inFlight(b, batchId);
    const killedAt = Date.now();
    await Promise.all(procs.map((p) => new Promise<void>((r) => (p.once('exit', () => r()), p.kill('SIGKILL')))));
    const { rows: leases } = await sql<{ ms: string }>`select (extract(epoch from max(lease_expires_at)) * 1000)::bigint as ms from registration_tasks where batch_id = ${batchId} and status = 'running'`.execute(b.db);
    procs = [worker(b), worker(b), worker(b)];
    // Every orphan (started before the kill) re-claimed by a new worker: an upper bound of "claimable again".
    await waitUntil(async () => {
      const { rows: stale } = await sql<{ n: string }>`select count(*) as n from registration_tasks where batch_id = ${batchId} and status = 'running' and started_at < to_timestamp(${killedAt / 1000})`.execute(b.db);
      return Number(stale[0]!.n) === 0;
    }, 300_000, 'every orphan re-claimed', 20);
    const claimableMs = Date.now() - killedAt;
    out['orphans_running'] = orphans;
    out['backlog_queued'] = N - orphans;
    out['lease_ms'] = LEASE_MS;
    out['last_lease_expiry_after_kill_s'] = (Number(leases[0]!.ms) - killedAt) / 1000;
    out['all_orphans_reclaimed_after_kill_s'] = claimableMs / 1000;
    out['over_lease_plus_2s'] = claimableMs > LEASE_MS + 2000 ? 'yes' : 'no';
  }
  await waitUntil(() => batchSettled(b.db, batchId), 1_800_000, `batch ${name}`, 100);
  out['makespan_s'] = (Date.now() - t0) / 1000;
  const { rows } = await sql<{ effects: string; keys: string }>`
    select count(*) as effects, count(distinct idempotency_key) as keys from simulate_effects e join registration_jobs j on j.id = e.job_id where j.batch_job_id = ${batchId}`.execute(b.db);
  out['effects'] = Number(rows[0]!.effects);
  out['duplicate_effects'] = Number(rows[0]!.effects) - Number(rows[0]!.keys);
  const { rows: st } = await sql<{ status: string; n: string }>`select status, count(*) as n from registration_jobs where batch_job_id = ${batchId} group by 1`.execute(b.db);
  out['jobs'] = st.map((s) => `${s.status}=${s.n}`).join(' ');
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(procs.map((p) => new Promise<void>((r) => (p.exitCode !== null ? r() : p.once('exit', () => r())))));
  return out;
}

async function main(): Promise<void> {
  const b = await benchDb(8);
  console.log(`recovery benchmark: ${N} restaurants, lease ${LEASE_MS} ms, 3 worker processes, ${b.where}`);
  const normal = await runBatch(b, 'normal', false);
  console.log(table([normal]));
  const crashed = await runBatch(b, 'kill -9 all', true);
  const results = [normal, crashed];
  console.log(`\n${table(results)}`);
  console.log(`drain with the crash vs normal: ${(Number(crashed['makespan_s']) - Number(normal['makespan_s'])).toFixed(1)} s longer (the lease wait is ${LEASE_MS / 1000} s)`);
  console.log(`wrote ${writeResult('recovery', { restaurants: N, leaseMs: LEASE_MS, results })}`);
  await b.close();
}

await main();
