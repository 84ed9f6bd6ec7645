// Operator commands through the API against the real engine and simulate workers: a failed sub-step retried from
// the API completes the job (and the batch), and a retry after cancelling is rejected with a typed error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskFailure, type TaskHandler } from '../../src/work/registry';
import { simulatedCompanies } from '../../src/work/simulate';
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

/** The register knows no "Nomatch…" restaurant, except under the name an operator types in a retried search. */
const register: TaskHandler = async (ctx) => {
  const input = (ctx.input ?? {}) as { restaurantId?: string; query?: string; queries?: { restaurant_name?: string; street?: string; city?: string } };
  const name = input.queries?.restaurant_name ?? input.query ?? '';
  if (name.startsWith('Nomatch')) return [];
  return simulatedCompanies({ id: input.restaurantId ?? name, name, address: input.queries?.street ?? null, city: input.queries?.city ?? null });
};

beforeAll(async () => {
  h = await apiHarness();
  userA = h.client(await h.token(SEED_USERS.userA));
  await h.worker({ handlers: { menuImport: flakyMenuImport, 'registry.searchByName': register, 'registry.searchByAddress': register } });
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

describe("step 2's no-candidate wait", () => {
  it('is listed as a search review; a retried search with an edited query, then a manual entry, move the job on', async () => {
    const ids = await makeRestaurants(h.db, ORG_A, 2, 'Nomatch');
    const { jobIds } = await userA.batches.create.mutate({ name: 'Nomatch', restaurantIds: ids, start: true });
    const waiting = await waitFor(async () => {
      const r = await userA.reviews.list.query({ kind: 'search' });
      return r.items.filter((i) => jobIds.includes(i.jobId)).length === 2 ? r.items : undefined;
    }, 30_000, 'two step-2 waits');
    expect(waiting.every((i) => i.step === 2 && !i.searchFailed)).toBe(true);
    expect(waiting[0]!.queries).toBeTruthy();

    // One job: search again under the name the operator found; it now has candidates (step 3).
    await userA.jobs.retrySearch.mutate({ jobId: jobIds[0]!, query: { restaurant_name: 'Renamed Eatery' } });
    await waitFor(async () => {
      const r = await userA.reviews.list.query({ kind: 'company' });
      return r.items.some((i) => i.jobId === jobIds[0]) || undefined;
    }, 30_000, 'the retried search to propose candidates');

    // The other: the operator enters the company by hand; the job leaves step 2 and reaches the configuration.
    const entered = await userA.reviews.manualEntry.mutate({ entries: [{ jobId: jobIds[1]!, entry: { contact_name: 'Aroha Smith', company_number: '1234567' } }] });
    expect(entered).toMatchObject({ applied: 1, refused: 0 });
    await waitFor(async () => {
      const r = await userA.reviews.list.query({ kind: 'config' });
      return r.items.some((i) => i.jobId === jobIds[1]) || undefined;
    }, 30_000, 'the manually entered job to reach step 5');
    const job = await userA.jobs.get.query({ jobId: jobIds[1]! });
    expect(job.stepsDetail.slice(0, 4).map((s) => s.status)).toEqual(['completed', 'completed', expect.stringMatching(/completed|skipped/), 'completed']);
  }, 60_000);
});
