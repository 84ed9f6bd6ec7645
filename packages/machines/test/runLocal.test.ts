import { describe, expect, it } from 'vitest';
import {
  batchMachine,
  jobMachine,
  projectBatch,
  projectJob,
  runLocal,
  SUB_STEP_KEYS,
  MachineEventRejected,
  type TaskHandlers,
} from '../src';
import type { InspectionEvent } from 'xstate';
import { companyDetails, jobInput, nameResults } from './harness';

const auto = { select: 'confident', config: 'defaults' } as const;

function handlers(overrides: TaskHandlers = {}): TaskHandlers {
  const ok: TaskHandlers = {
    'extraction.run': async () => ({ menu_id: 'menu-1', items: 12 }),
    'registry.searchByName': async () => nameResults,
    'registry.searchByAddress': async () => ({ results: [] }),
    'company.details': async () => companyDetails,
  };
  for (const key of SUB_STEP_KEYS) ok[key] = async () => ({ ok: key });
  ok.cloudwaitressAccount = async () => ({ pumpdAccountId: '11111111-1111-4111-8111-111111111111' });
  ok.restaurantRegistration = async () => ({
    pumpdRestaurantId: '22222222-2222-4222-8222-222222222222',
    executionResults: { pumpd_restaurant_id: 'RES42', subdomain: 'pizzapalace' },
  });
  return { ...ok, ...overrides };
}

const fail = (code: string, retryable = false) => async () => {
  throw Object.assign(new Error(`${code} happened`), { code, retryable });
};

describe('runLocal', () => {
  it('drives a whole job to completion with handlers and real timers, feeding the inspector', async () => {
    const inspected: InspectionEvent[] = [];
    let flaky = 0;
    const run = runLocal(
      jobMachine,
      handlers({
        servicesConfig: async () => {
          flaky++;
          if (flaky < 3) throw Object.assign(new Error('portal 503'), { code: 'HTTP_503', retryable: true });
          return { services: 'configured' };
        },
      }),
      { input: jobInput({ autoPolicies: auto }), delayScale: 0.001, inspect: (e) => inspected.push(e) },
    );
    run.send({ type: 'job.start' });
    const final = await run.settled();
    run.stop();
    expect(final.value).toBe('completed');
    const rows = projectJob(final);
    expect(rows.job).toMatchObject({ status: 'completed', pumpd_user_id: '11111111-1111-4111-8111-111111111111', execution_results: { pumpd_restaurant_id: 'RES42' } });
    expect(rows.steps[5]!.sub_step_progress).toMatchObject({ current_phase: 'completed', phases: { phase2: { sub_steps: { servicesConfig: { status: 'completed', attempts: 3 } } } } });
    expect(rows.job.started_at! <= rows.job.completed_at!).toBe(true);
    expect(inspected.some((e) => e.type === '@xstate.snapshot')).toBe(true);
  });

  it('waits for a person at step 3 and continues when the selection arrives', async () => {
    const run = runLocal(jobMachine, handlers(), { input: jobInput({ autoPolicies: { select: 'never', config: 'defaults' } }), delayScale: 0.001 });
    run.send({ type: 'job.start' });
    let s = await run.settled();
    expect(s.matches({ active: { step3: 'waiting' } })).toBe(true);
    expect(projectJob(s).job.status).toBe('in_progress');
    run.send({ type: 'company.selected', companyNumber: '1234567' });
    s = await run.settled();
    run.stop();
    expect(s.value).toBe('completed');
  });

  it.each([
    ['step 1 (extraction)', { 'extraction.run': fail('NO_MENU') }, 0],
    ['step 2 (a search that keeps failing)', { 'registry.searchByAddress': fail('REGISTRY_DOWN', true) }, 1],
    ['step 4 (company details)', { 'company.details': fail('NOT_FOUND') }, 3],
    ['step 6 (a sub-step)', { paymentConfig: fail('STRIPE_REFUSED') }, 5],
  ] as const)('drives a job to its failure at %s', async (_name, override, failedIndex) => {
    const run = runLocal(jobMachine, handlers(override as TaskHandlers), { input: jobInput({ autoPolicies: auto }), delayScale: 0.001 });
    run.send({ type: 'job.start' });
    const s = await run.settled();
    run.stop();
    const rows = projectJob(s);
    expect(rows.job.status).toBe('failed');
    expect(rows.steps[failedIndex]!.status).toBe('failed');
    expect(rows.job.error_message).toMatch(/NO_MENU|REGISTRY_DOWN|NOT_FOUND|STRIPE_REFUSED/);
  });

  it('a failed sub-step, retried by an operator, completes the job', async () => {
    let broken = true;
    const run = runLocal(
      jobMachine,
      handlers({
        menuImport: async () => {
          if (broken) throw { code: 'CSV_REJECTED', message: 'bad csv', retryable: false };
          return { items: 12 };
        },
      }),
      { input: jobInput({ autoPolicies: auto }), delayScale: 0.001 },
    );
    run.send({ type: 'job.start' });
    let s = await run.settled();
    expect(projectJob(s).job.status).toBe('failed');
    expect(s.context.tasks.optionSets.reason).toBe('blocked by menuImport');
    broken = false;
    run.send({ type: 'substep.retry', key: 'menuImport' });
    s = await run.settled();
    run.stop();
    expect(s.value).toBe('completed');
  });

  it('cancel aborts the running task, ignores its late result, and rejects later commands', async () => {
    let aborted = false;
    let release: (() => void) | undefined;
    const run = runLocal(
      jobMachine,
      handlers({
        'extraction.run': (_input, { signal }) =>
          new Promise((resolve) => {
            signal.addEventListener('abort', () => (aborted = true));
            release = () => resolve({ menu_id: 'late' });
          }),
      }),
      { input: jobInput(), delayScale: 0.001 },
    );
    run.send({ type: 'job.start' });
    await new Promise((r) => setTimeout(r, 10));
    run.send({ type: 'job.cancel' });
    expect(aborted).toBe(true);
    release?.();
    const s = await run.settled();
    expect(s.value).toBe('cancelled');
    expect(() => run.send({ type: 'step.retry', step: 1 })).toThrow(MachineEventRejected);
    run.stop();
  });

  it('runs a sequential batch: jobs started through deliver tasks, counters from their reports', async () => {
    const jobs = {
      a: jobInput({ jobId: 'a', autoPolicies: auto }),
      b: jobInput({ jobId: 'b', autoPolicies: auto }),
    };
    const run = runLocal(batchMachine, handlers(), {
      input: { batchId: 'batch-1', organisationId: 'org-1', name: 'demo', mode: 'sequential', jobIds: ['a', 'b'] },
      jobs,
      delayScale: 0.001,
    });
    run.send({ type: 'batch.start' });
    const s = await run.settled();
    run.stop();
    expect(projectBatch(s)).toMatchObject({ status: 'completed', completed_restaurants: 2, failed_restaurants: 0, total_restaurants: 2 });
    expect(run.jobs.get('a')!.getSnapshot().value).toBe('completed');
  });
});
