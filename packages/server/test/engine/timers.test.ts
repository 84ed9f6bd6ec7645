// Timers are task rows: a retry backoff pending while every worker process is stopped fires once, straight away,
// when a worker starts again after it fell due.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { AUTO, ORG, SYSTEM, exited, harness, jobStatuses, makeRestaurants, restaurantsInput, spawnWorker, waitFor, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h?.close();
});

const ARGS = ['--lease-ms', '3000', '--poll-ms', '30000', '--account-gap-ms', '10', '--reconcile-ms', '0',
  '--simulate', JSON.stringify({ durations: { default: { minMs: 2, maxMs: 10 } }, failAttempts: { 'extraction.run': 1 } })];

it('a retry backoff pending across a full stop fires once, straight away, after the restart', async () => {
  const restaurants = await makeRestaurants(h.db, 2, 'Timer');
  const { batchId, jobIds } = await h.rt.engine.createBatch({ organisationId: ORG, name: 'Timers', restaurants: restaurantsInput(restaurants, { autoPolicies: AUTO }) });
  const first = spawnWorker(h, ARGS, 'bin');
  await first.ready;
  await h.rt.engine.applyEventOrThrow({ type: 'batch', id: batchId }, { type: 'batch.start' }, SYSTEM);
  // Each job's first extraction fails; its machine schedules the retry as a timer row (~2 s + jitter).
  await waitFor(async () => {
    const { rows } = await sql<{ n: string }>`select count(*) as n from registration_tasks where batch_id = ${batchId} and kind = 'timer' and status = 'queued'`.execute(h.db);
    return Number(rows[0]!.n) === 2;
  }, 60_000, 'both retry timers queued', 20);
  first.kill('SIGTERM');
  expect(await exited(first)).toBe(0);
  const { rows: stillRunning } = await sql<{ n: string }>`select count(*) as n from registration_tasks where status = 'running'`.execute(h.db);
  expect(Number(stillRunning[0]!.n)).toBe(0);

  // Everything is stopped; wait until the timers are overdue.
  const { rows: due } = await sql<{ ms: string }>`select (extract(epoch from max(run_at)) * 1000)::bigint as ms from registration_tasks where batch_id = ${batchId} and kind = 'timer'`.execute(h.db);
  await new Promise((r) => setTimeout(r, Math.max(0, Number(due[0]!.ms) - Date.now()) + 1_000));
  const { rows: waiting } = await sql<{ n: string }>`select count(*) as n from registration_tasks where batch_id = ${batchId} and kind = 'timer' and status = 'queued'`.execute(h.db);
  expect(Number(waiting[0]!.n)).toBe(2);

  const second = spawnWorker(h, ARGS);
  const readyAt = await second.ready;
  await waitFor(async () => (await jobStatuses(h.db, batchId)).completed === 2, 90_000, 'both jobs completed', 100);

  for (const jobId of jobIds) {
    const { rows: timers } = await sql<{ status: string; started_ms: string }>`
      select status, (extract(epoch from started_at) * 1000)::bigint as started_ms from registration_tasks where job_id = ${jobId} and kind = 'timer'`.execute(h.db);
    expect(timers.map((t) => t.status)).toEqual(['succeeded']);
    // Straight away: claimed within moments of the worker being up (its poll is 30 s, so only the start-up claim explains it).
    expect(Number(timers[0]!.started_ms) - readyAt).toBeLessThan(2_000);
    const { rows: attempts } = await sql<{ attempt: number; status: string }>`
      select attempt, status from registration_tasks where job_id = ${jobId} and kind = 'extraction.run' order by attempt`.execute(h.db);
    expect(attempts).toEqual([{ attempt: 1, status: 'failed' }, { attempt: 2, status: 'succeeded' }]);
  }
  second.kill('SIGTERM');
  expect(await exited(second)).toBe(0);
}, 240_000);
