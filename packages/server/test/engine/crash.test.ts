// Crash safety: three `regbatch worker` processes run a 50-restaurant batch while the test kill -9s a random one
// every couple of seconds and starts a replacement. Leases expire, tasks are claimed again, effects stay single.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { AUTO, ORG, SYSTEM, batchRow, exited, harness, jobStatuses, makeRestaurants, restaurantsInput, spawnWorker, type Harness, type WorkerChild } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h?.close();
});

const WORKER_ARGS = [
  '--concurrency', '6',
  '--lease-ms', '1500',
  '--poll-ms', '1000',
  '--account-gap-ms', '10',
  '--browser-slots', '12',
  '--reconcile-ms', '5000',
  // Handlers last long enough (≈ 650 effects × 0.5 s over 18 slots ≈ 20 s of work) that the batch outlives several
  // kills even on a quiet machine, and a kill usually lands on tasks in flight.
  '--simulate', JSON.stringify({ durations: { default: { minMs: 250, maxMs: 750 }, cloudwaitressAccount: { minMs: 20, maxMs: 60 } } }),
];

async function within<T>(p: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what()}`)), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

it('completes a 50-restaurant batch through random kill -9s with every effect exactly once and no job left non-final', async () => {
  const restaurants = await makeRestaurants(h.db, 50, 'Crash');
  const { batchId } = await h.rt.engine.createBatch({ organisationId: ORG, name: 'Crash', restaurants: restaurantsInput(restaurants, { autoPolicies: AUTO }) });
  const live = [spawnWorker(h, WORKER_ARGS), spawnWorker(h, WORKER_ARGS), spawnWorker(h, WORKER_ARGS)];
  expect((await h.rt.engine.applyEvent({ type: 'batch', id: batchId }, { type: 'batch.start' }, SYSTEM)).ok).toBe(true);

  // Every couple of seconds, kill -9 a random worker that is up and claiming (one still starting has nothing to
  // lose yet), and start its replacement at once.
  const readyAt = new Map<WorkerChild, number>();
  for (const c of live) void c.ready.then((t) => readyAt.set(c, t));
  let kills = 0;
  const deadline = Date.now() + 420_000;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1500 + Math.random() * 1000));
    const b = await batchRow(h.db, batchId);
    if (b.status === 'completed' || b.status === 'failed') break;
    if (Date.now() > deadline) {
      throw new Error(`batch still ${b.status} after 420 s: ${JSON.stringify(await jobStatuses(h.db, batchId))}\n${live.map((c) => c.output()).join('\n---\n')}`);
    }
    // Only while every worker is up (a replacement still loading takes seconds on a busy machine), so two keep working.
    if (live.some((c) => !readyAt.has(c))) continue;
    const candidates = live.filter((c) => (readyAt.get(c) ?? Infinity) < Date.now() - 1500);
    if (candidates.length === 0) continue;
    const victim = candidates[Math.floor(Math.random() * candidates.length)]!;
    victim.kill('SIGKILL');
    await within(exited(victim), 10_000, () => `killed worker ${victim.pid} to exit`);
    kills++;
    const next = spawnWorker(h, WORKER_ARGS);
    void next.ready.then((t) => readyAt.set(next, t));
    live[live.indexOf(victim)] = next;
  }
  console.log(`crash: ${kills} kill -9s before the batch completed`);
  expect(kills).toBeGreaterThanOrEqual(3);

  expect(await jobStatuses(h.db, batchId)).toEqual({ completed: 50 });
  expect((await batchRow(h.db, batchId)).completed_restaurants).toBe(50);

  // Exactly once: 50 × (the extraction + 12 sub-steps) effects, no key twice.
  const { rows } = await sql<{ effects: string; keys: string }>`
    select count(*) as effects, count(distinct idempotency_key) as keys from simulate_effects e
      join registration_jobs j on j.id = e.job_id where j.batch_job_id = ${batchId}`.execute(h.db);
  expect(Number(rows[0]!.keys)).toBe(50 * 13);
  expect(Number(rows[0]!.effects)).toBe(50 * 13);
  const { rows: open } = await sql<{ n: string }>`select count(*) as n from registration_tasks where batch_id = ${batchId} and status in ('queued', 'running')`.execute(h.db);
  expect(Number(open[0]!.n)).toBe(0);

  // Graceful stop of the survivors (a replacement still loading is waited for: it has not installed its handler yet).
  const outputs = () => live.map((c) => `pid ${c.pid} exit ${c.exitCode} signal ${c.signalCode}:\n${c.output().slice(-3000)}`).join('\n---\n');
  await within(Promise.all(live.map((c) => c.ready)), 60_000, () => `replacement workers to be ready\n${outputs()}`);
  const dead = live.filter((c) => c.exitCode !== null || c.signalCode !== null);
  expect(dead.map((c) => `exit ${c.exitCode} signal ${c.signalCode}: ${c.output().slice(-2000)}`)).toEqual([]);
  for (const c of live) c.kill('SIGTERM');
  const stopped = Promise.all(live.map(exited));
  const codes = await within(stopped, 30_000, () => `workers to stop on SIGTERM\n${outputs()}`).catch(async (err: Error) => {
    const { rows: activity } = await sql`select pid, state, wait_event_type, wait_event, now() - xact_start as xact_age, left(query, 200) as query
      from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`.execute(h.db);
    throw new Error(`${err.message}\npg_stat_activity:\n${JSON.stringify(activity, null, 1)}`);
  });
  expect(codes, live.map((c) => `signal ${c.signalCode}: ${c.output().slice(-1500)}`).join('\n---\n')).toEqual([0, 0, 0]);
}, 480_000);
