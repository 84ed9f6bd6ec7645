// Claim-time limits: a paused batch starts nothing new and resumes where it was; 429s are retried after their
// Retry-After, spread by jitter; account creations never overlap and keep their gap.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { AUTO, ORG, SYSTEM, batchRow, harness, inProcessWorker, makeRestaurants, restaurantsInput, waitFor, waitForBatch, type Harness } from './helpers';
import { defaultLimits } from '../../src/work/limits';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h?.close();
});

it('a paused batch starts no new task, and resuming continues it to completion', async () => {
  const restaurants = await makeRestaurants(h.db, 6, 'Pause');
  const { batchId } = await h.rt.engine.createBatch({ organisationId: ORG, name: 'Pause', restaurants: restaurantsInput(restaurants, { autoPolicies: AUTO }) });
  const w = inProcessWorker(h, { simulate: { durations: { default: { minMs: 50, maxMs: 150 } } } });
  await w.start();
  await h.rt.engine.applyEventOrThrow({ type: 'batch', id: batchId }, { type: 'batch.start' }, SYSTEM);
  await waitFor(async () => {
    const { rows } = await sql<{ n: string }>`select count(*) as n from registration_tasks where batch_id = ${batchId} and status = 'succeeded' and kind <> 'deliver'`.execute(h.db);
    return Number(rows[0]!.n) >= 8;
  }, 60_000, 'the batch under way', 20);
  await h.rt.engine.applyEventOrThrow({ type: 'batch', id: batchId }, { type: 'batch.pause' }, SYSTEM);
  const pausedAt = Date.now();
  expect((await batchRow(h.db, batchId)).metadata.paused_at).toBeTruthy();

  await new Promise((r) => setTimeout(r, 2_000));
  // Running ones finished; nothing new started (a claim already in flight at the pause may land just after it).
  const { rows: startedAfter } = await sql<{ n: string }>`
    select count(*) as n from registration_tasks where batch_id = ${batchId} and kind not in ('timer')
      and started_at > to_timestamp(${(pausedAt + 300) / 1000})`.execute(h.db);
  expect(Number(startedAfter[0]!.n)).toBe(0);
  const { rows: queued } = await sql<{ n: string }>`select count(*) as n from registration_tasks where batch_id = ${batchId} and status = 'queued'`.execute(h.db);
  expect(Number(queued[0]!.n)).toBeGreaterThan(0);
  expect((await batchRow(h.db, batchId)).status).toBe('in_progress');

  await h.rt.engine.applyEventOrThrow({ type: 'batch', id: batchId }, { type: 'batch.resume' }, SYSTEM);
  const done = await waitForBatch(h.db, batchId, ['completed'], 90_000);
  expect(done.completed_restaurants).toBe(6);
  expect(done.metadata.paused_at).toBeUndefined();
  await w.stop();
}, 150_000);

it('429s are retried after their Retry-After with jitter spreading them, and account creations never overlap', async () => {
  const RETRY_AFTER = 3_000;
  const GAP = 300;
  const restaurants = await makeRestaurants(h.db, 8, 'Throttle');
  const { batchId, jobIds } = await h.rt.engine.createBatch({ organisationId: ORG, name: 'Throttle', restaurants: restaurantsInput(restaurants, { autoPolicies: AUTO }) });
  // The organisation's own setting decides the gap (the workers' default here is far shorter).
  await sql`update organisations set settings = settings || ${JSON.stringify({ accountGapMs: GAP })}::jsonb where id = ${ORG}`.execute(h.db);
  const limits = defaultLimits({ accountGapMs: 10, browserSlots: 16 });
  const simulate = {
    durations: { default: { minMs: 2, maxMs: 10 }, cloudwaitressAccount: { minMs: 50, maxMs: 120 } },
    rateLimited: { 'registry.searchByName': { probability: 1, retryAfterMs: RETRY_AFTER, attempts: 1 } },
  };
  // Two workers, so the account rule is enforced across claimers, not by one process's scheduling.
  const workers = [inProcessWorker(h, { simulate, limits }), inProcessWorker(h, { simulate, limits })];
  await Promise.all(workers.map((w) => w.start()));
  await h.rt.engine.applyEventOrThrow({ type: 'batch', id: batchId }, { type: 'batch.start' }, SYSTEM);
  await waitForBatch(h.db, batchId, ['completed'], 120_000);

  const offsets: number[] = [];
  for (const jobId of jobIds) {
    const { rows } = await sql<{ attempt: number; status: string; error: { code: string; retryAfterMs?: number } | null; finished_ms: string; run_ms: string; started_ms: string }>`
      select attempt, status, error, (extract(epoch from finished_at) * 1000)::bigint as finished_ms,
             (extract(epoch from run_at) * 1000)::bigint as run_ms, (extract(epoch from started_at) * 1000)::bigint as started_ms
        from registration_tasks where job_id = ${jobId} and kind = 'registry.searchByName' order by attempt`.execute(h.db);
    expect(rows.map((r) => [r.attempt, r.status])).toEqual([[1, 'failed'], [2, 'succeeded']]);
    expect(rows[0]!.error).toMatchObject({ code: 'rate_limited', retryAfterMs: RETRY_AFTER });
    const offset = Number(rows[1]!.run_ms) - Number(rows[0]!.finished_ms);
    expect(offset).toBeGreaterThanOrEqual(RETRY_AFTER - 20);
    expect(offset).toBeLessThanOrEqual(RETRY_AFTER * 1.2 + 1_000);
    expect(Number(rows[1]!.started_ms)).toBeGreaterThanOrEqual(Number(rows[1]!.run_ms));
    offsets.push(offset);
  }
  // Jitter: the retries are not all due at the same instant after their 429.
  expect(Math.max(...offsets) - Math.min(...offsets)).toBeGreaterThan(50);

  const { rows: accounts } = await sql<{ started_ms: string; finished_ms: string }>`
    select (extract(epoch from e.started_at) * 1000)::bigint as started_ms, (extract(epoch from e.finished_at) * 1000)::bigint as finished_ms
      from simulate_effects e join registration_jobs j on j.id = e.job_id
     where j.batch_job_id = ${batchId} and e.kind = 'cloudwaitressAccount' order by e.started_at`.execute(h.db);
  expect(accounts).toHaveLength(8);
  // The creations themselves (the ledger's times) never overlap.
  for (let i = 1; i < accounts.length; i++) expect(Number(accounts[i]!.started_ms)).toBeGreaterThanOrEqual(Number(accounts[i - 1]!.finished_ms));
  // The gap is between starts, as the claims gave them (how soon a handler gets going after its claim is the
  // machine's latency, which the gap does not promise to absorb).
  const { rows: claims } = await sql<{ started_ms: string }>`
    select (extract(epoch from started_at) * 1000)::bigint as started_ms from registration_tasks
     where batch_id = ${batchId} and kind = 'cloudwaitressAccount' and status = 'succeeded' order by started_at`.execute(h.db);
  expect(claims).toHaveLength(8);
  for (let i = 1; i < claims.length; i++) expect(Number(claims[i]!.started_ms) - Number(claims[i - 1]!.started_ms)).toBeGreaterThanOrEqual(GAP - 1);
  await Promise.all(workers.map((w) => w.stop()));
}, 180_000);
