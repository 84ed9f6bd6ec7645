// Operator commands through the API against the real engine and simulate workers: a failed sub-step retried from
// the API completes the job (and the batch), and a retry after cancelling is rejected with a typed error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskFailure, type TaskHandler } from '../../src/work/registry';
import { ORG_A, SEED_USERS, apiHarness, makeRestaurants, rejects, waitFor, type ApiHarness, type Client } from './helpers';

let h: ApiHarness;
let userA: Client;
const failedOnce = new Set<string>();

/** The portal refuses the first menu import of each job (not retryable), then accepts. */
const flakyMenuImport: TaskHandler = async (ctx) => {
  const jobId = ctx.task.jobId ?? '';
  if (!failedOnce.has(jobId)) {
    failedOnce.add(jobId);
    throw new TaskFailure('menu_rejected', 'the portal rejected the menu CSV (simulated)', false);
  }
  return { imported: true, items: 12 };
};

beforeAll(async () => {
  h = await apiHarness();
  userA = h.client(await h.token(SEED_USERS.userA));
  await h.worker({ handlers: { menuImport: flakyMenuImport } });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const AUTO = { select: 'confident', config: 'defaults' } as const;

describe('retrying a failed sub-step from the API', () => {
  it('re-runs the sub-step and its blocked dependants, and the job and batch complete', async () => {
    const ids = await makeRestaurants(h.db, ORG_A, 1, 'Flaky');
    const { batchId, jobIds } = await userA.batches.create.mutate({ name: 'Flaky', restaurantIds: ids, autoPolicies: AUTO, start: true });
    const jobId = jobIds[0]!;
    const failed = await waitFor(async () => {
      const job = await userA.jobs.get.query({ jobId });
      return job.status === 'failed' ? job : undefined;
    }, 30_000, 'the job to fail at menuImport');
    const step6 = failed.stepsDetail.find((s) => s.stepNumber === 6)!;
    expect(step6.status).toBe('failed');
    expect(failed.tasks.filter((t) => t.kind === 'menuImport')).toMatchObject([{ status: 'failed', error: { code: 'menu_rejected' } }]);
    expect((await userA.batches.get.query({ batchId })).status).toMatch(/failed|completed/);

    await userA.jobs.retrySubStep.mutate({ jobId, key: 'menuImport' });
    const done = await waitFor(async () => {
      const job = await userA.jobs.get.query({ jobId });
      return job.status === 'completed' ? job : undefined;
    }, 30_000, 'the job to complete after the retry');
    expect(done.tasks.filter((t) => t.kind === 'menuImport').map((t) => t.status)).toEqual(['failed', 'succeeded']);
    expect(done.stepsDetail.map((s) => s.status)).toEqual(['completed', 'completed', 'completed', 'completed', 'completed', 'completed']);
    await waitFor(async () => (await userA.batches.get.query({ batchId })).status === 'completed' || undefined, 10_000, 'the batch to complete');
    expect(await userA.batches.get.query({ batchId })).toMatchObject({ completedRestaurants: 1, failedRestaurants: 0 });
  }, 60_000);

  it('rejects a retry after the job was cancelled, with a typed error, and changes nothing', async () => {
    const ids = await makeRestaurants(h.db, ORG_A, 1, 'Cancelled');
    const { jobIds } = await userA.batches.create.mutate({ name: 'Cancelled', restaurantIds: ids, autoPolicies: AUTO, start: true });
    const jobId = jobIds[0]!;
    await waitFor(async () => (await userA.jobs.get.query({ jobId })).status === 'failed' || undefined, 30_000, 'the job to fail at menuImport');
    await userA.jobs.cancel.mutate({ jobId, reason: 'operator gave up' });
    const cancelled = await userA.jobs.get.query({ jobId });
    expect(cancelled.status).toBe('cancelled');
    for (const attempt of [
      userA.jobs.retrySubStep.mutate({ jobId, key: 'menuImport' }),
      userA.jobs.retryStep.mutate({ jobId, step: 6 }),
      userA.jobs.skipSubStep.mutate({ jobId, key: 'optionSets' }),
    ]) {
      expect(await rejects(attempt)).toMatchObject({ code: 'PRECONDITION_FAILED', httpStatus: 412, domainCode: 'target_final' });
    }
    const after = await userA.jobs.get.query({ jobId });
    expect(after.revision).toBe(cancelled.revision);
    expect(after.tasks.filter((t) => t.kind === 'menuImport')).toHaveLength(1);
  }, 60_000);

  it('validates command inputs field by field (unknown sub-step key, step out of range)', async () => {
    const bad = await rejects(userA.jobs.retrySubStep.mutate({ jobId: '00000000-0000-4000-8000-000000000000', key: 'nope' as never }));
    expect(bad).toMatchObject({ code: 'BAD_REQUEST' });
    expect(Object.keys(bad.fieldErrors ?? {})).toEqual(['key']);
    const step = await rejects(userA.jobs.retryStep.mutate({ jobId: '00000000-0000-4000-8000-000000000000', step: 7 }));
    expect(step.fieldErrors?.step?.[0]).toContain('7');
    expect(await rejects(userA.jobs.retryStep.mutate({ jobId: '00000000-0000-4000-8000-000000000000', step: 2 }))).toMatchObject({ code: 'NOT_FOUND' });
  });
});
