// Restaurants added to or removed from a batch before it starts (batch.addJobs / batch.removeJobs): rows, counters
// and snapshot move together in one transaction; a started batch, another organisation and duplicates are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { SEED_USERS } from '../../src/db/seedIdentities';
import { EngineError, EventRejectedError } from '../../src/engine/errors';
import { AUTO, ORG, SYSTEM, batchRow, harness, inProcessWorker, jobStatuses, makeRestaurants, projectionDiffs, replay, restaurantsInput, waitForBatch, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h?.close();
});

const userA = { type: 'user', userId: SEED_USERS.userA.id } as const;
const userB = { type: 'user', userId: SEED_USERS.userB.id } as const;

async function counts(batchId: string) {
  const { rows } = await sql<{ jobs: string; steps: string; events: string }>`
    select (select count(*) from registration_jobs where batch_job_id = ${batchId}) as jobs,
           (select count(*) from registration_job_steps s join registration_jobs j on j.id = s.job_id where j.batch_job_id = ${batchId}) as steps,
           (select count(*) from registration_job_events where batch_id = ${batchId} and job_id is not null) as events`.execute(h.db);
  return { jobs: Number(rows[0]!.jobs), steps: Number(rows[0]!.steps), jobEvents: Number(rows[0]!.events) };
}

async function batchJobIds(batchId: string): Promise<string[]> {
  const { rows } = await sql<{ ids: string[] }>`select machine_snapshot->'context'->'jobIds' as ids from registration_batch_jobs where id = ${batchId}`.execute(h.db);
  return rows[0]!.ids;
}

describe('editing a batch before it starts', () => {
  it('adds then removes restaurants on a draft batch: job and step rows, total_restaurants and the batch snapshot follow', async () => {
    const rs = await makeRestaurants(h.db, 4, 'Edit');
    const { batchId, jobIds } = await h.rt.engine.createBatch({ organisationId: ORG, name: 'Edit draft', draft: true, restaurants: restaurantsInput(rs.slice(0, 2)) });

    const added = await h.rt.engine.addJobs(batchId, restaurantsInput(rs.slice(2)), userA);
    expect(added.jobIds).toHaveLength(2);
    expect(added.totalRestaurants).toBe(4);
    expect(await counts(batchId)).toEqual({ jobs: 4, steps: 24, jobEvents: 4 });
    expect((await batchRow(h.db, batchId)).total_restaurants).toBe(4);
    expect((await batchRow(h.db, batchId)).status).toBe('draft');
    expect(await batchJobIds(batchId)).toEqual([...jobIds, ...added.jobIds]);
    expect(await projectionDiffs(h.db, h.rt.machines, batchId)).toEqual([]);

    // One by job id, one by restaurant id.
    const byJob = await h.rt.engine.removeJobs(batchId, { jobIds: [jobIds[0]!] }, userA);
    expect(byJob).toMatchObject({ jobIds: [jobIds[0]], totalRestaurants: 3 });
    const byRestaurant = await h.rt.engine.removeJobs(batchId, { restaurantIds: [rs[3]!.id] }, userA);
    expect(byRestaurant).toMatchObject({ jobIds: [added.jobIds[1]], totalRestaurants: 2 });
    expect(await counts(batchId)).toEqual({ jobs: 2, steps: 12, jobEvents: 2 });
    expect((await batchRow(h.db, batchId)).total_restaurants).toBe(2);
    expect(await batchJobIds(batchId)).toEqual([jobIds[1], added.jobIds[0]]);
    expect(await projectionDiffs(h.db, h.rt.machines, batchId)).toEqual([]);

    const { rows: log } = await sql<{ type: string; actor: string }>`
      select event->>'type' as type, actor from registration_job_events where batch_id = ${batchId} and job_id is null order by revision`.execute(h.db);
    expect(log.map((e) => e.type)).toEqual(['engine.created', 'batch.addJobs', 'batch.removeJobs', 'batch.removeJobs']);
    expect(log[1]!.actor).toBe(`user:${SEED_USERS.userA.id}`);
    const rb = await replay(h.db, h.rt.machines, { type: 'batch', id: batchId });
    expect(rb.replayed).toEqual(rb.stored);
  });

  it('refuses to add or remove once the batch has started, with a typed rejection, and writes nothing', async () => {
    const rs = await makeRestaurants(h.db, 3, 'Started');
    const { batchId, jobIds } = await h.rt.engine.createBatch({ organisationId: ORG, name: 'Started', restaurants: restaurantsInput(rs.slice(0, 2)) });
    await h.rt.engine.applyEventOrThrow({ type: 'batch', id: batchId }, { type: 'batch.start' }, SYSTEM);
    const before = await counts(batchId);

    const add = await h.rt.engine.addJobs(batchId, restaurantsInput(rs.slice(2)), userA).catch((e: unknown) => e);
    expect(add).toBeInstanceOf(EventRejectedError);
    expect((add as EventRejectedError).rejection.code).toBe('not_applicable');
    expect((add as Error).message).toMatch(/is in_progress: restaurants can be added or removed only before it starts \(draft or pending\)/);
    const remove = await h.rt.engine.removeJobs(batchId, { jobIds: [jobIds[0]!] }, userA).catch((e: unknown) => e);
    expect(remove).toBeInstanceOf(EventRejectedError);

    expect(await counts(batchId)).toEqual(before);
    expect((await batchRow(h.db, batchId)).total_restaurants).toBe(2);

    await h.rt.engine.applyEventOrThrow({ type: 'batch', id: batchId }, { type: 'batch.cancel' }, SYSTEM);
    const cancelled = await h.rt.engine.addJobs(batchId, restaurantsInput(rs.slice(2)), SYSTEM).catch((e: unknown) => e);
    expect((cancelled as EventRejectedError).rejection.code).toBe('target_final');
  });

  it("treats another organisation's batch as not found for its users, and writes nothing", async () => {
    const rs = await makeRestaurants(h.db, 2, 'Foreign');
    const { batchId, jobIds } = await h.rt.engine.createBatch({ organisationId: ORG, name: 'Foreign', restaurants: restaurantsInput(rs.slice(0, 1)) });
    const add = await h.rt.engine.addJobs(batchId, restaurantsInput(rs.slice(1)), userB).catch((e: unknown) => e);
    expect(add).toBeInstanceOf(EngineError);
    expect((add as EngineError).code).toBe('not_visible');
    const remove = await h.rt.engine.removeJobs(batchId, { jobIds }, userB).catch((e: unknown) => e);
    expect((remove as EngineError).code).toBe('not_visible');
    expect(await counts(batchId)).toEqual({ jobs: 1, steps: 6, jobEvents: 1 });
  });

  it('refuses a restaurant already in the batch (or named twice), naming it, and a job not in the batch', async () => {
    const rs = await makeRestaurants(h.db, 2, 'Dup');
    const { batchId } = await h.rt.engine.createBatch({ organisationId: ORG, name: 'Dup edit', draft: true, restaurants: restaurantsInput(rs.slice(0, 1)) });
    const again = await h.rt.engine.addJobs(batchId, restaurantsInput(rs), userA).catch((e: unknown) => e);
    expect((again as EngineError).code).toBe('duplicate_restaurant');
    expect((again as Error).message).toContain(rs[0]!.id);
    expect((again as Error).message).toContain('already in batch "Dup edit"');
    const twice = await h.rt.engine.addJobs(batchId, restaurantsInput([rs[1]!, rs[1]!]), userA).catch((e: unknown) => e);
    expect((twice as EngineError).code).toBe('duplicate_restaurant');
    expect((twice as Error).message).toContain(rs[1]!.id);
    const stranger = await h.rt.engine.removeJobs(batchId, { restaurantIds: [rs[1]!.id] }, userA).catch((e: unknown) => e);
    expect((stranger as EngineError).code).toBe('not_found');
    expect((stranger as Error).message).toContain(rs[1]!.id);
    expect(await counts(batchId)).toEqual({ jobs: 1, steps: 6, jobEvents: 1 });
    expect((await batchRow(h.db, batchId)).total_restaurants).toBe(1);
  });

  it('runs the added restaurants, and not the removed one, once the batch starts (simulate)', async () => {
    const rs = await makeRestaurants(h.db, 4, 'Run');
    const { batchId, jobIds } = await h.rt.engine.createBatch({ organisationId: ORG, name: 'Run edited', restaurants: restaurantsInput(rs.slice(0, 2), { autoPolicies: AUTO }) });
    const added = await h.rt.engine.addJobs(batchId, restaurantsInput(rs.slice(2), { autoPolicies: AUTO }), userA);
    await h.rt.engine.removeJobs(batchId, { jobIds: [jobIds[0]!] }, userA);
    inProcessWorker(h, { concurrency: 8 });
    await Promise.all(h.workers.map((w) => w.start()));
    await h.rt.engine.applyEventOrThrow({ type: 'batch', id: batchId }, { type: 'batch.start' }, SYSTEM);
    const b = await waitForBatch(h.db, batchId, ['completed', 'failed'], 90_000);
    expect(b).toMatchObject({ status: 'completed', completed_restaurants: 3, total_restaurants: 3 });
    expect(await jobStatuses(h.db, batchId)).toEqual({ completed: 3 });
    const { rows } = await sql<{ id: string }>`select id from registration_jobs where batch_job_id = ${batchId} and status = 'completed' order by created_at, id`.execute(h.db);
    expect(rows.map((r) => r.id).sort()).toEqual([jobIds[1]!, ...added.jobIds].sort());
    expect(await projectionDiffs(h.db, h.rt.machines, batchId)).toEqual([]);
  }, 120_000);
});
