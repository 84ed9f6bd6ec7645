// A whole batch through the engine with `simulate`: rows always equal the machines' projection, and the event log
// replays to the stored snapshot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { taskPriority } from '@regbatch/machines';
import { AUTO, ORG, SYSTEM, batchRow, harness, inProcessWorker, jobStatuses, makeRestaurants, projectionDiffs, replay, restaurantsInput, waitForBatch, type Harness } from './helpers';
import { EngineError } from '../../src/engine/errors';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h?.close();
});

describe('a simulate batch of 20 restaurants', () => {
  it('runs to completion with rows equal to the projection at every step, and the event log replays to the stored snapshot', async () => {
    const restaurants = await makeRestaurants(h.db, 20);
    const { batchId, jobIds } = await h.rt.engine.createBatch({ organisationId: ORG, name: 'Twenty', restaurants: restaurantsInput(restaurants, { autoPolicies: AUTO }) });
    expect(jobIds).toHaveLength(20);
    const { rows: stepCount } = await sql<{ n: string }>`select count(*) as n from registration_job_steps s join registration_jobs j on j.id = s.job_id where j.batch_job_id = ${batchId}`.execute(h.db);
    expect(Number(stepCount[0]!.n)).toBe(120);
    expect(await projectionDiffs(h.db, h.rt.machines, batchId)).toEqual([]);

    inProcessWorker(h, { concurrency: 8 });
    inProcessWorker(h, { concurrency: 8 });
    await Promise.all(h.workers.map((w) => w.start()));
    const started = await h.rt.engine.applyEvent({ type: 'batch', id: batchId }, { type: 'batch.start' }, SYSTEM);
    expect(started.ok).toBe(true);

    // Sample the rows against the projection of the stored snapshots while the batch runs: every sample is one
    // consistent database snapshot, so any write that left rows and snapshot apart would show here.
    let samples = 0;
    for (;;) {
      const diffs = await projectionDiffs(h.db, h.rt.machines, batchId);
      expect(diffs).toEqual([]);
      samples++;
      const b = await batchRow(h.db, batchId);
      if (b.status === 'completed' || b.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const b = await waitForBatch(h.db, batchId, ['completed'], 1_000);
    expect(b.completed_restaurants).toBe(20);
    expect(await jobStatuses(h.db, batchId)).toEqual({ completed: 20 });
    expect(samples).toBeGreaterThan(3);

    for (const jobId of jobIds) {
      const r = await replay(h.db, h.rt.machines, { type: 'job', id: jobId });
      expect(r.events).toBeGreaterThan(10);
      expect(r.replayed).toEqual(r.stored);
    }
    const rb = await replay(h.db, h.rt.machines, { type: 'batch', id: batchId });
    expect(rb.replayed).toEqual(rb.stored);

    // No work left behind, and every sub-step effect happened once.
    const { rows: open } = await sql<{ n: string }>`select count(*) as n from registration_tasks where batch_id = ${batchId} and status in ('queued', 'running')`.execute(h.db);
    expect(Number(open[0]!.n)).toBe(0);
    const { rows: dup } = await sql<{ n: string }>`select count(*) as n from (select idempotency_key from simulate_effects group by 1 having count(*) > 1) d`.execute(h.db);
    expect(Number(dup[0]!.n)).toBe(0);

    // Every task was queued with its kind's critical-path priority (what the claim orders by).
    const { rows: priorities } = await sql<{ kind: string; priority: number }>`
      select distinct kind, priority from registration_tasks where batch_id = ${batchId} order by kind`.execute(h.db);
    expect(priorities.length).toBeGreaterThan(12);
    for (const p of priorities) expect(p, p.kind).toEqual({ kind: p.kind, priority: taskPriority(p.kind) });
    expect(priorities.find((p) => p.kind === 'restaurantRegistration')!.priority).toBeGreaterThan(priorities.find((p) => p.kind === 'itemTags')!.priority);
  }, 180_000);

  it('rejects a batch naming the same restaurant twice, with the restaurant in the message', async () => {
    const [r] = await makeRestaurants(h.db, 1, 'Twice');
    const input = restaurantsInput([r!, r!]);
    const err = await h.rt.engine.createBatch({ organisationId: await orgOf(r!.id), name: 'Dup', restaurants: input }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('duplicate_restaurant');
    expect((err as EngineError).message).toContain(r!.id);
    const { rows } = await sql<{ n: string }>`select count(*) as n from registration_batch_jobs where name = 'Dup'`.execute(h.db);
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it('a restaurant whose account an earlier job created keeps that account password in a new batch; others get a new one', async () => {
    const [again, fresh] = await makeRestaurants(h.db, 2, 'Rerun');
    const organisationId = await orgOf(again!.id);
    const stored = await h.rt.secrets.put('the-first-jobs-password', { organisationId, purpose: 'test' });
    await sql`insert into public.pumpd_accounts (organisation_id, restaurant_id, email, user_password_hint, registration_status)
      values (${organisationId}, ${again!.id}, 'rerun@example.nz', ${`secret_ref:${stored.secret_ref}`}, 'registered')`.execute(h.db);
    const { jobIds } = await h.rt.engine.createBatch({ organisationId, name: 'Rerun', restaurants: restaurantsInput([again!, fresh!]) });
    const { rows } = await sql<{ id: string; ref: { secret_ref: string } }>`
      select id, machine_snapshot->'context'->'accountPasswordRef' as ref from registration_jobs where id = any(${jobIds}::uuid[])`.execute(h.db);
    const refOf = (jobId: string) => rows.find((r) => r.id === jobId)!.ref;
    expect(refOf(jobIds[0]!)).toEqual(stored);
    expect(refOf(jobIds[1]!).secret_ref).not.toBe(stored.secret_ref);
    expect(await h.rt.secrets.reveal(refOf(jobIds[1]!))).toMatch(/.{12,}/);
  });

  it('refuses every event to a cancelled batch with a typed rejection and writes nothing', async () => {
    const rs = await makeRestaurants(h.db, 2, 'Gone');
    const { batchId } = await h.rt.engine.createBatch({ organisationId: await orgOf(rs[0]!.id), name: 'Gone', restaurants: restaurantsInput(rs) });
    expect((await h.rt.engine.applyEvent({ type: 'batch', id: batchId }, { type: 'batch.cancel' }, SYSTEM)).ok).toBe(true);
    const { rows: before } = await sql<{ revision: string }>`select revision from registration_batch_jobs where id = ${batchId}`.execute(h.db);
    const res = await h.rt.engine.applyEvent({ type: 'batch', id: batchId }, { type: 'batch.start' }, SYSTEM);
    expect(res).toMatchObject({ ok: false, code: 'target_final' });
    const { rows: after } = await sql<{ revision: string }>`select revision from registration_batch_jobs where id = ${batchId}`.execute(h.db);
    expect(after[0]!.revision).toBe(before[0]!.revision);
  });
});

async function orgOf(restaurantId: string): Promise<string> {
  const { rows } = await sql<{ organisation_id: string }>`select organisation_id from restaurants where id = ${restaurantId}`.execute(h.db);
  return rows[0]!.organisation_id;
}
