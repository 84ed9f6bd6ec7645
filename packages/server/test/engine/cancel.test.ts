// Cancellation: a batch cancelled while its handlers run aborts them promptly, ends every job `cancelled`, and a
// success reported afterwards changes nothing; cancelling 200 jobs while they are being started does not deadlock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { AUTO, ORG, SYSTEM, batchRow, harness, inProcessWorker, jobStatuses, makeRestaurants, restaurantsInput, waitFor, waitForBatch, type Harness } from './helpers';
import { createSimulateHandlers } from '../../src/work/simulate';
import type { TaskHandler } from '../../src/work/registry';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h?.close();
});

describe('cancelling a batch', () => {
  it('aborts running handlers within a second, cancels every job, and a late success changes nothing', async () => {
    // Step 1 takes long enough that every job is mid-extraction when the batch is cancelled.
    const simulated = createSimulateHandlers({ durations: { 'extraction.run': { minMs: 60_000, maxMs: 60_000 }, default: { minMs: 2, maxMs: 5 } } });
    const started: string[] = [];
    const abortedAt = new Map<string, number>();
    const observed: TaskHandler = (ctx) => {
      started.push(ctx.task.id);
      ctx.signal.addEventListener('abort', () => abortedAt.set(ctx.task.id, Date.now()), { once: true });
      return simulated['extraction.run']!(ctx);
    };
    const restaurants = await makeRestaurants(h.db, 8, 'Cancel');
    const { batchId, jobIds } = await h.rt.engine.createBatch({ organisationId: ORG, name: 'Cancel', restaurants: restaurantsInput(restaurants, { autoPolicies: AUTO }) });
    const w = inProcessWorker(h, { concurrency: 8, handlers: { 'extraction.run': observed } });
    await w.start();
    await h.rt.engine.applyEventOrThrow({ type: 'batch', id: batchId }, { type: 'batch.start' }, SYSTEM);
    await waitFor(async () => started.length === 8, 60_000, 'eight extractions running');

    const cancelledAt = Date.now();
    await h.rt.engine.applyEventOrThrow({ type: 'batch', id: batchId }, { type: 'batch.cancel', reason: 'test' }, SYSTEM);
    await waitFor(async () => abortedAt.size === 8, 10_000, 'every handler to see the abort');
    const latency = Math.max(...[...abortedAt.values()].map((t) => t - cancelledAt));
    expect(latency).toBeLessThan(1_000);

    await waitForBatch(h.db, batchId, ['cancelled'], 20_000);
    await waitFor(async () => (await jobStatuses(h.db, batchId)).cancelled === 8, 20_000, 'every job cancelled');
    const { rows: running } = await sql<{ n: string }>`select count(*) as n from registration_tasks where batch_id = ${batchId} and status in ('queued', 'running')`.execute(h.db);
    expect(Number(running[0]!.n)).toBe(0);

    // A success for the cancelled attempt, as a slow worker would report it: refused, nothing written.
    const jobId = jobIds[0]!;
    const { rows: before } = await sql<{ revision: string; status: string }>`select revision, status from registration_jobs where id = ${jobId}`.execute(h.db);
    const { rows: task } = await sql<{ task: string; attempt: number }>`select task, attempt from registration_tasks where job_id = ${jobId} and kind = 'extraction.run'`.execute(h.db);
    const late = await h.rt.engine.applyEvent({ type: 'job', id: jobId }, { type: 'task.succeeded', task: task[0]!.task, attempt: task[0]!.attempt, output: { menuId: 'late' } }, SYSTEM);
    expect(late).toMatchObject({ ok: false, code: 'target_final' });
    const { rows: after } = await sql<{ revision: string; status: string }>`select revision, status from registration_jobs where id = ${jobId}`.execute(h.db);
    expect(after[0]).toEqual(before[0]);
    expect(before[0]!.status).toBe('cancelled');
    await w.stop();
  }, 120_000);

  it('cancels 200 jobs while they are being started without deadlocking', async () => {
    const restaurants = await makeRestaurants(h.db, 200, 'Stampede');
    const { batchId } = await h.rt.engine.createBatch({ organisationId: ORG, name: 'Stampede', restaurants: restaurantsInput(restaurants, { autoPolicies: AUTO }) });
    const workers = [inProcessWorker(h, { concurrency: 8 }), inProcessWorker(h, { concurrency: 8 })];
    await Promise.all(workers.map((w) => w.start()));
    await h.rt.engine.applyEventOrThrow({ type: 'batch', id: batchId }, { type: 'batch.start' }, SYSTEM);
    // Cancel while the start commands are being delivered: some jobs started, others not yet.
    await waitFor(async () => {
      const { rows } = await sql<{ n: string }>`select count(*) as n from registration_tasks where batch_id = ${batchId} and kind = 'deliver' and status = 'succeeded'`.execute(h.db);
      return Number(rows[0]!.n) >= 10;
    }, 60_000, 'the first start commands delivered', 10);
    await h.rt.engine.applyEventOrThrow({ type: 'batch', id: batchId }, { type: 'batch.cancel' }, SYSTEM);
    await waitForBatch(h.db, batchId, ['cancelled'], 60_000);
    await waitFor(async () => (await jobStatuses(h.db, batchId)).cancelled === 200, 120_000, 'all 200 jobs cancelled', 200);
    expect((await batchRow(h.db, batchId)).status).toBe('cancelled');
    const { rows } = await sql<{ n: string }>`select count(*) as n from registration_tasks where batch_id = ${batchId} and status in ('queued', 'running')`.execute(h.db);
    expect(Number(rows[0]!.n)).toBe(0);
    await Promise.all(workers.map((w) => w.stop()));
  }, 240_000);
});
