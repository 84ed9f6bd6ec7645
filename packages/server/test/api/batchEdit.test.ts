// batches.addRestaurants / removeRestaurants through a real server: a draft batch edited before it starts (rows,
// counters, snapshot), refused once started, another organisation's batch not found, duplicates named, and a
// started batch running what was added (simulate workers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { ORG_A, ORG_B, SEED_USERS, apiHarness, makeRestaurants, rejects, waitFor, type ApiHarness, type Client } from './helpers';

let h: ApiHarness;
let userA: Client;
let userB: Client;
beforeAll(async () => {
  h = await apiHarness();
  userA = h.client(await h.token(SEED_USERS.userA));
  userB = h.client(await h.token(SEED_USERS.userB));
});
afterAll(async () => {
  await h?.close();
});

async function rowsOf(batchId: string) {
  const { rows } = await sql<{ restaurant_id: string; steps: string }>`
    select j.restaurant_id, (select count(*) from registration_job_steps s where s.job_id = j.id)::text as steps
      from registration_jobs j where j.batch_job_id = ${batchId} order by j.restaurant_id`.execute(h.db);
  const { rows: b } = await sql<{ total_restaurants: number; job_ids: string[] }>`
    select total_restaurants, machine_snapshot->'context'->'jobIds' as job_ids from registration_batch_jobs where id = ${batchId}`.execute(h.db);
  // Jobs added in one transaction share created_at: compared as sets (by restaurant id).
  return { restaurants: rows.map((r) => r.restaurant_id), steps: rows.map((r) => Number(r.steps)), total: b[0]!.total_restaurants, snapshotJobs: b[0]!.job_ids.length };
}

describe('batches.addRestaurants / removeRestaurants', () => {
  it('adds then removes restaurants on a draft batch: jobs with six steps each, total and snapshot follow, settings inherited', async () => {
    const ids = await makeRestaurants(h.db, ORG_A, 4, 'Editme');
    const created = await userA.batches.create.mutate({ name: 'Editable', restaurantIds: ids.slice(0, 2), draft: true, autoPolicies: { select: 'confident', config: 'defaults' } });

    const added = await userA.batches.addRestaurants.mutate({ batchId: created.batchId, restaurantIds: ids.slice(2) });
    expect(added).toMatchObject({ batchId: created.batchId, totalRestaurants: 4 });
    expect(added.jobIds).toHaveLength(2);
    expect(await rowsOf(created.batchId)).toEqual({ restaurants: [...ids].sort(), steps: [6, 6, 6, 6], total: 4, snapshotJobs: 4 });
    const got = await userA.batches.get.query({ batchId: created.batchId });
    expect(got).toMatchObject({ status: 'draft', totalRestaurants: 4 });
    // The added job answers its human steps like the batch's first ones did.
    const { rows: policies } = await sql<{ p: unknown }>`select machine_snapshot->'context'->'autoPolicies' as p from registration_jobs where id = ${added.jobIds[0]!}`.execute(h.db);
    expect(policies[0]!.p).toEqual({ select: 'confident', config: 'defaults' });

    const removed = await userA.batches.removeRestaurants.mutate({ batchId: created.batchId, restaurantIds: [ids[0]!, ids[3]!] });
    expect(removed).toMatchObject({ totalRestaurants: 2, jobIds: expect.arrayContaining([created.jobIds[0], added.jobIds[1]]) as unknown });
    expect(await rowsOf(created.batchId)).toEqual({ restaurants: [ids[1]!, ids[2]!].sort(), steps: [6, 6], total: 2, snapshotJobs: 2 });
  });

  it('is refused once the batch has started, with a clear conflict, and nothing changes', async () => {
    const ids = await makeRestaurants(h.db, ORG_A, 2, 'Late');
    const created = await userA.batches.create.mutate({ name: 'Running already', restaurantIds: ids.slice(0, 1), start: true });
    const add = await rejects(userA.batches.addRestaurants.mutate({ batchId: created.batchId, restaurantIds: ids.slice(1) }));
    expect(add).toMatchObject({ code: 'CONFLICT', domainCode: 'not_applicable' });
    expect(add.message).toMatch(/only before it starts \(draft or pending\)/);
    const remove = await rejects(userA.batches.removeRestaurants.mutate({ batchId: created.batchId, restaurantIds: ids.slice(0, 1) }));
    expect(remove.code).toBe('CONFLICT');
    expect((await rowsOf(created.batchId)).restaurants).toEqual(ids.slice(0, 1));
  });

  it("answers NOT_FOUND for another organisation's batch, and for another organisation's restaurant", async () => {
    const ids = await makeRestaurants(h.db, ORG_A, 2, 'Private');
    const idsB = await makeRestaurants(h.db, ORG_B, 1, 'Outsider');
    const created = await userA.batches.create.mutate({ name: 'Private', restaurantIds: ids.slice(0, 1), draft: true });
    expect((await rejects(userB.batches.addRestaurants.mutate({ batchId: created.batchId, restaurantIds: idsB }))).code).toBe('NOT_FOUND');
    expect((await rejects(userB.batches.removeRestaurants.mutate({ batchId: created.batchId, restaurantIds: ids.slice(0, 1) }))).code).toBe('NOT_FOUND');
    const foreign = await rejects(userA.batches.addRestaurants.mutate({ batchId: created.batchId, restaurantIds: idsB }));
    expect(foreign.code).toBe('NOT_FOUND');
    expect(foreign.fieldErrors?.restaurantIds).toEqual([`${idsB[0]} not found`]);
    expect((await rowsOf(created.batchId)).restaurants).toEqual(ids.slice(0, 1));
  });

  it('refuses a restaurant already in the batch, naming it', async () => {
    const ids = await makeRestaurants(h.db, ORG_A, 2, 'Twice');
    const created = await userA.batches.create.mutate({ name: 'Twice', restaurantIds: ids.slice(0, 1) });
    const dup = await rejects(userA.batches.addRestaurants.mutate({ batchId: created.batchId, restaurantIds: ids }));
    expect(dup).toMatchObject({ code: 'CONFLICT', domainCode: 'duplicate_restaurant' });
    expect(dup.message).toContain(ids[0]!);
    expect((await rowsOf(created.batchId)).total).toBe(1);
  });

  it('runs the added restaurants once the batch starts (simulate)', async () => {
    const ids = await makeRestaurants(h.db, ORG_A, 3, 'Runner');
    const created = await userA.batches.create.mutate({ name: 'Grown', restaurantIds: ids.slice(0, 1), autoPolicies: { select: 'confident', config: 'defaults' } });
    const added = await userA.batches.addRestaurants.mutate({ batchId: created.batchId, restaurantIds: ids.slice(1) });
    await h.worker();
    await userA.batches.start.mutate({ batchId: created.batchId });
    const done = await waitFor(async () => {
      const b = await userA.batches.get.query({ batchId: created.batchId });
      return b.status === 'completed' || b.status === 'failed' ? b : undefined;
    }, 90_000, 'the edited batch to finish', 200);
    expect(done).toMatchObject({ status: 'completed', totalRestaurants: 3, completedRestaurants: 3 });
    const { rows } = await sql<{ status: string }>`select status from registration_jobs where id = any(${added.jobIds}::uuid[])`.execute(h.db);
    expect(rows.map((r) => r.status)).toEqual(['completed', 'completed']);
  }, 120_000);
});
