// Recovery beyond leases: a job whose awaited task row vanished is found by the reconciler, repaired from its
// snapshot (the same attempt re-issued), logged, and runs on; rows without a snapshot are left alone.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { AUTO, ORG, SYSTEM, harness, inProcessWorker, log, makeRestaurants, restaurantsInput, waitFor, type Harness } from './helpers';
import { createReconciler } from '../../src/work/reconciler';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h?.close();
});

it('re-issues the attempt a stuck job waits for, leaves snapshot-less rows alone, and the job completes', async () => {
  const [r, legacy] = await makeRestaurants(h.db, 2, 'Stuck');
  const { jobIds } = await h.rt.engine.createBatch({ organisationId: ORG, name: 'Stuck', restaurants: restaurantsInput([r!], { autoPolicies: AUTO }) });
  const jobId = jobIds[0]!;
  await h.rt.engine.applyEventOrThrow({ type: 'job', id: jobId }, { type: 'job.start' }, SYSTEM);
  // The extraction task row is lost (e.g. restored from an older backup): the job now waits for nothing.
  const { rows: lost } = await sql<{ attempt: number }>`delete from registration_tasks where job_id = ${jobId} returning attempt`.execute(h.db);
  expect(lost).toHaveLength(1);
  // A job of the original implementation: in progress, no snapshot.
  const { rows: b } = await sql<{ id: string }>`insert into registration_batch_jobs (name, organisation_id, status) values ('legacy', ${ORG}, 'in_progress') returning id`.execute(h.db);
  await sql`insert into registration_jobs (batch_job_id, restaurant_id, organisation_id, status) values (${b[0]!.id}, ${legacy!.id}, ${ORG}, 'in_progress')`.execute(h.db);

  const reconciler = createReconciler({ db: h.db, log, machines: h.rt.machines }, { releasePerSecond: 50 });
  // Without a row to copy its input from, the repair cannot be made up: it is reported, not invented.
  expect(await reconciler.reconcile()).toEqual([]);
  await sql`insert into registration_tasks (idempotency_key, attempt, kind, task, job_id, batch_id, organisation_id, input, status, finished_at)
    select ${`${jobId}:step1.extraction`}, 1, 'extraction.run', 'step1.extraction', id, batch_job_id, organisation_id,
      jsonb_build_object('jobId', id, 'restaurantId', restaurant_id, 'restaurant', jsonb_build_object('id', restaurant_id, 'name', 'Stuck Kitchen 1')), 'cancelled', now()
    from registration_jobs where id = ${jobId}`.execute(h.db);
  const repairs = await reconciler.reconcile();
  expect(repairs).toEqual([{ jobId, task: 'step1.extraction', attempt: 1, kind: 'extraction.run', what: 'task' }]);
  expect(await reconciler.reconcile()).toEqual([]); // repaired: it has an open task now

  const w = inProcessWorker(h);
  await w.start();
  await waitFor(async () => {
    const { rows } = await sql<{ status: string }>`select status from registration_jobs where id = ${jobId}`.execute(h.db);
    return rows[0]!.status === 'completed';
  }, 60_000, 'the repaired job to complete');
  const { rows: legacyRows } = await sql<{ status: string; machine_snapshot: unknown }>`select status, machine_snapshot from registration_jobs where restaurant_id = ${legacy!.id}`.execute(h.db);
  expect(legacyRows[0]).toEqual({ status: 'in_progress', machine_snapshot: null });
  await w.stop();
}, 90_000);
