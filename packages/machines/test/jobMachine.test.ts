import { describe, expect, it } from 'vitest';
import {
  jobMachine,
  projectJob,
  retryDelayMs,
  SUB_STEP_KEYS,
  MachineEventRejected,
  checkEvent,
  type Effect,
} from '../src';
import { Driver, companyDetails, generatedPasswordRef, jobInput, nameResults } from './harness';

function toStep3(d: Driver) {
  d.send({ type: 'job.start' });
  d.succeed('step1.extraction', { menu_id: 'menu-1' });
  d.succeed('step2.searchByName', nameResults);
  d.succeed('step2.searchByAddress', { results: [] });
}

function toStep6(d: Driver) {
  toStep3(d);
  d.send({ type: 'company.selected', companyNumber: '1234567' });
  d.succeed('step4.companyDetails', companyDetails);
  d.send({ type: 'config.submitted', config: d.context.proposedConfig });
}

function runAllOpen(d: Driver) {
  for (let i = 0; i < 30 && d.openTasks().length; i++) for (const t of d.openTasks()) d.succeed(t.task, {});
}

const types = (effects: Effect[]) => effects.map((e) => e.type);

describe('jobMachine: the six steps', () => {
  it('runs a restaurant through all six steps to completed', () => {
    const d = new Driver(jobMachine, jobInput());
    toStep6(d);
    expect(d.snapshot.matches({ active: 'step6' })).toBe(true);
    runAllOpen(d);
    expect(d.snapshot.status).toBe('done');
    expect(d.snapshot.value).toBe('completed');
    for (const key of SUB_STEP_KEYS) expect(d.context.tasks[key]!.status).toBe('succeeded');
    const rows = projectJob(d.snapshot);
    expect(rows.job.status).toBe('completed');
    expect(rows.steps.map((s) => s.status)).toEqual(['completed', 'completed', 'completed', 'completed', 'completed', 'completed']);
    expect(rows.searchCandidates?.status).toBe('selected');
    expect(rows.searchCandidates?.selected_company_data).toMatchObject({ company_number: '1234567', directors: [{ name: 'John Smith' }] });
  });

  it('step 1 emits extraction.run and notifies the batch of the step change', () => {
    const d = new Driver(jobMachine, jobInput());
    const effects = d.send({ type: 'job.start' });
    expect(effects).toContainEqual({ type: 'notifyBatch', params: { event: { type: 'job.stepChanged', jobId: 'job-1', step: 1, at: d.now() } } });
    expect(effects).toContainEqual(
      expect.objectContaining({ type: 'runTask', params: expect.objectContaining({ task: 'step1.extraction', kind: 'extraction.run', attempt: 1 }) }),
    );
  });

  it('step 2 runs the name and the address search as two tasks with the seed query shape', () => {
    const d = new Driver(jobMachine, jobInput());
    d.send({ type: 'job.start' });
    d.succeed('step1.extraction');
    expect(d.task('step2.searchByName').kind).toBe('registry.searchByName');
    expect(d.task('step2.searchByAddress').kind).toBe('registry.searchByAddress');
    const row = projectJob(d.snapshot).searchCandidates!;
    expect(row.status).toBe('searching');
    expect(row.search_queries).toMatchObject({ restaurant_name: 'Pizza Palace', city: 'Auckland', original_values: { restaurant_name: 'Pizza Palace (Mission Bay)' } });
  });

  it('the job status stays in_progress while step 3 is action_required', () => {
    const d = new Driver(jobMachine, jobInput());
    toStep3(d);
    expect(d.snapshot.hasTag('action_required')).toBe(true);
    const rows = projectJob(d.snapshot);
    expect(rows.job.status).toBe('in_progress');
    expect(rows.steps[2]!.status).toBe('action_required');
    expect(rows.searchCandidates?.status).toBe('awaiting_selection');
    expect(rows.searchCandidates?.candidate_count).toBe(2);
  });

  it('a selection sent during step 1 is applied when step 3 opens', () => {
    const d = new Driver(jobMachine, jobInput());
    d.send({ type: 'job.start' });
    d.send({ type: 'company.selected', companyNumber: '1234567' });
    expect(d.snapshot.matches({ active: 'step1' })).toBe(true);
    d.succeed('step1.extraction');
    d.succeed('step2.searchByName', nameResults);
    const effects = d.succeed('step2.searchByAddress', { results: [] });
    expect(d.snapshot.matches({ active: 'step4' })).toBe(true);
    expect(d.task('step4.companyDetails').input).toMatchObject({ companyNumber: '1234567' });
    // it never parked: the decision was there when step 3 opened
    expect(effects.filter((e) => e.type === 'notifyBatch' && e.params.event.type === 'job.parked')).toEqual([]);
  });

  it('a selection that is not among the candidates is rejected and recorded, and step 3 stays open', () => {
    const d = new Driver(jobMachine, jobInput());
    toStep3(d);
    const verdict = checkEvent(jobMachine, d.snapshot, { type: 'company.selected', companyNumber: '999' });
    expect(verdict).toMatchObject({ ok: true, warnings: [{ code: 'SELECTION_NOT_A_CANDIDATE' }] });
    d.send({ type: 'company.selected', companyNumber: '999', by: 'user-7' });
    expect(d.snapshot.matches({ active: { step3: 'waiting' } })).toBe(true);
    expect(projectJob(d.snapshot).steps[2]!.result_data).toMatchObject({
      rejected_selections: [{ company_number: '999', by: 'user-7', reason: 'not among the candidates' }],
    });
  });

  it('an early selection that is not a candidate is recorded as rejected when step 3 opens, which then waits', () => {
    const d = new Driver(jobMachine, jobInput());
    d.send({ type: 'job.start' });
    d.send({ type: 'company.selected', companyNumber: '999' });
    d.succeed('step1.extraction');
    d.succeed('step2.searchByName', nameResults);
    d.succeed('step2.searchByAddress', { results: [] });
    expect(d.snapshot.matches({ active: { step3: 'waiting' } })).toBe(true);
    expect(d.context.search.rejectedSelections.map((r) => r.company_number)).toEqual(['999']);
  });

  it('a manual entry with a company number runs step 4 with the entered fields and that number', () => {
    const d = new Driver(jobMachine, jobInput());
    toStep3(d);
    d.send({ type: 'company.manualEntry', entry: { company_number: '5550001', company_name: 'PIZZA PALACE 2020 LIMITED', contact_name: 'Jo' } });
    const task = d.task('step4.companyDetails');
    expect(task.input).toMatchObject({ companyNumber: '5550001', manualEntry: { company_name: 'PIZZA PALACE 2020 LIMITED', contact_name: 'Jo' } });
    expect(projectJob(d.snapshot).searchCandidates).toMatchObject({ status: 'selected', selected_company_number: '5550001' });
  });

  it('no match at step 3 skips step 4 and proposes the restaurant-derived defaults at step 5', () => {
    const d = new Driver(jobMachine, jobInput());
    toStep3(d);
    d.send({ type: 'company.noMatch' });
    const rows = projectJob(d.snapshot);
    expect(rows.steps[3]).toMatchObject({ status: 'skipped', result_data: { reason: 'No company selected' } });
    expect(rows.steps[4]!.status).toBe('action_required');
    expect(rows.steps[4]!.result_data.proposed_config).toMatchObject({ email: 'owner@pizzapalace.co.nz' });
    expect(rows.searchCandidates?.status).toBe('no_match');
  });

  it('no search results park step 2 as action_required; a manual entry without a number still runs step 4', () => {
    const d = new Driver(jobMachine, jobInput());
    d.send({ type: 'job.start' });
    d.succeed('step1.extraction');
    d.succeed('step2.searchByName', { results: [] });
    d.succeed('step2.searchByAddress', { results: [] });
    expect(projectJob(d.snapshot).steps[1]!.status).toBe('action_required');
    expect(projectJob(d.snapshot).searchCandidates?.status).toBe('no_match');
    d.send({ type: 'company.manualEntry', entry: { contact_name: 'Jo Bloggs' } });
    expect(d.task('step4.companyDetails').input).toMatchObject({ companyNumber: null, manualEntry: { contact_name: 'Jo Bloggs' } });
    expect(projectJob(d.snapshot).steps[1]).toMatchObject({ status: 'completed', result_data: { manual_entry: true } });
  });

  it('search.retry with an edited query re-runs step 2 and keeps the original values', () => {
    const d = new Driver(jobMachine, jobInput());
    d.send({ type: 'job.start' });
    d.succeed('step1.extraction');
    d.succeed('step2.searchByName', { results: [] });
    d.succeed('step2.searchByAddress', { results: [] });
    d.send({ type: 'search.retry', query: { restaurant_name: 'Pizza Palace Ltd' } });
    expect(d.task('step2.searchByName').input).toMatchObject({ query: 'Pizza Palace Ltd' });
    expect(d.context.search.queries?.original_values.restaurant_name).toBe('Pizza Palace (Mission Bay)');
    expect(projectJob(d.snapshot).searchCandidates?.status).toBe('searching');
  });

  it('a search that still fails after its retries fails step 2 and the job; step.retry re-opens it', () => {
    const d = new Driver(jobMachine, jobInput());
    d.send({ type: 'job.start' });
    d.succeed('step1.extraction');
    d.exhaust('step2.searchByName');
    let rows = projectJob(d.snapshot);
    expect(rows.job.status).toBe('failed');
    expect(rows.steps[1]).toMatchObject({ status: 'failed', retry_count: 3, error_message: 'BOOM: it broke' });
    expect(rows.searchCandidates?.status).toBe('failed');
    // the other search was cancelled when this one failed
    expect(d.log).toContainEqual({ type: 'cancelTask', params: { task: 'step2.searchByAddress' } });
    const effects = d.send({ type: 'step.retry', step: 2 });
    expect(effects).toContainEqual({ type: 'notifyBatch', params: { event: { type: 'job.reopened', jobId: 'job-1', at: d.now() } } });
    rows = projectJob(d.snapshot);
    expect(rows.job.status).toBe('in_progress');
    expect(d.task('step2.searchByName').attempt).toBe(5);
  });

  it('a config.submitted that fails the schema is refused with INVALID_CONFIG naming the field', () => {
    const d = new Driver(jobMachine, jobInput());
    toStep3(d);
    d.send({ type: 'company.selected', companyNumber: '1234567' });
    d.succeed('step4.companyDetails', companyDetails);
    const bad = { ...(d.context.proposedConfig as object), email: 'not-an-email' };
    const verdict = checkEvent(jobMachine, d.snapshot, { type: 'config.submitted', config: bad });
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) {
      expect(verdict.code).toBe('INVALID_CONFIG');
      expect(verdict.message).toContain('email');
    }
    expect(() => d.send({ type: 'config.submitted', config: bad })).toThrow(MachineEventRejected);
  });

  it('a configuration submitted early is applied when step 5 opens', () => {
    const d = new Driver(jobMachine, jobInput());
    toStep3(d);
    d.send({ type: 'company.selected', companyNumber: '1234567' });
    const config = { email: 'a@b.co.nz', password: { secret_ref: 'sec-1' }, steps_enabled: { createOnboardingUser: false, syncOnboardingUser: false } };
    d.send({ type: 'config.submitted', config });
    d.succeed('step4.companyDetails', companyDetails);
    expect(d.snapshot.matches({ active: 'step6' })).toBe(true);
    expect(projectJob(d.snapshot).job.execution_config).toMatchObject({ email: 'a@b.co.nz', password: { secret_ref: 'sec-1' } });
  });

  it('auto policies select the confident candidate and submit the defaults', () => {
    const d = new Driver(jobMachine, jobInput({ autoPolicies: { select: 'confident', config: 'defaults' } }));
    toStep3(d);
    expect(d.snapshot.matches({ active: 'step4' })).toBe(true);
    expect(d.context.steps[3].resultData).toMatchObject({ auto_selected: true, company_number: '1234567' });
    d.succeed('step4.companyDetails', companyDetails);
    expect(d.snapshot.matches({ active: 'step6' })).toBe(true);
    expect(d.context.steps[5].resultData).toMatchObject({ source: 'auto-policy' });
  });

  it("step 4's default configuration holds the account password only as a secret reference", () => {
    const d = new Driver(jobMachine, jobInput({ autoPolicies: { select: 'confident', config: 'defaults' } }));
    toStep3(d);
    d.succeed('step4.companyDetails', companyDetails);
    // The defaults policy applied the proposal: both passwords are the reference step 4's handler returned.
    expect(d.snapshot.matches({ active: 'step6' })).toBe(true);
    const applied = projectJob(d.snapshot).job.execution_config as { password: unknown; onboarding: { user_password: unknown } };
    expect(applied.password).toEqual(generatedPasswordRef);
    expect(applied.onboarding.user_password).toEqual(generatedPasswordRef);
    // ...and every sub-step's input carries it as that reference.
    for (const t of d.openTasks()) expect(JSON.stringify(t.input)).not.toMatch(/"password":"|"user_password":"/);
    // The reference is not kept as a company fact, and no name-derived password (the original's "<Name>789!") exists.
    expect(d.context.company).not.toHaveProperty('account_password_ref');
    const everything = JSON.stringify({ snapshot: d.snapshot, effects: d.log });
    expect(everything).not.toContain('Pizzapalace789!');
    expect(everything).not.toMatch(/789!/);
  });

  it('without a reference from step 4 the proposal has no password and the defaults policy waits for a person', () => {
    const d = new Driver(jobMachine, jobInput({ autoPolicies: { select: 'confident', config: 'defaults' } }));
    toStep3(d);
    const { account_password_ref: _ref, ...details } = companyDetails;
    d.succeed('step4.companyDetails', details);
    expect(d.snapshot.matches({ active: { step5: 'waiting' } })).toBe(true);
    const proposed = projectJob(d.snapshot).steps[4]!.result_data.proposed_config as { password: unknown; onboarding: { user_password: unknown } };
    expect(proposed.password).toBeNull();
    expect(proposed.onboarding.user_password).toBeNull();
  });

  it('step 4 failure fails the job; step.retry { step: 4 } re-runs the extraction', () => {
    const d = new Driver(jobMachine, jobInput());
    toStep3(d);
    d.send({ type: 'company.selected', companyNumber: '1234567' });
    d.fail('step4.companyDetails', { code: 'NOT_FOUND', retryable: false });
    expect(projectJob(d.snapshot).job).toMatchObject({ status: 'failed', error_message: 'NOT_FOUND: it broke' });
    d.send({ type: 'step.retry', step: 4 });
    d.succeed('step4.companyDetails', companyDetails);
    expect(d.snapshot.matches({ active: { step5: 'waiting' } })).toBe(true);
  });
});

describe('taskState: attempts, retries and fencing', () => {
  it('retry_count counts retries: at most max_retries + 1 attempts, then failed', () => {
    const d = new Driver(jobMachine, jobInput());
    d.send({ type: 'job.start' });
    const attempts: number[] = [];
    for (;;) {
      attempts.push(d.task('step1.extraction').attempt);
      d.fail('step1.extraction');
      if (d.context.tasks['step1.extraction']!.status !== 'retrying') break;
      expect(projectJob(d.snapshot).steps[0]!.status).toBe('retrying');
      d.fireTimer('step1.extraction');
    }
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(projectJob(d.snapshot).steps[0]).toMatchObject({ status: 'failed', retry_count: 3, max_retries: 3 });
  });

  it('maxRetries from the input bounds the retries', () => {
    const d = new Driver(jobMachine, jobInput({ maxRetries: 1 }));
    d.send({ type: 'job.start' });
    d.fail('step1.extraction');
    d.fireTimer('step1.extraction');
    d.fail('step1.extraction');
    expect(d.context.tasks['step1.extraction']!).toMatchObject({ status: 'failed', attempt: 2, retryCount: 1 });
  });

  it('backoff is deterministic and exponential, and honours retryAfterMs', () => {
    const d = new Driver(jobMachine, jobInput());
    d.send({ type: 'job.start' });
    const delays: number[] = [];
    for (const retryAfterMs of [undefined, undefined, 60_000]) {
      const effects = d.fail('step1.extraction', retryAfterMs === undefined ? {} : { retryAfterMs });
      const schedule = effects.find((e) => e.type === 'schedule');
      if (schedule?.type !== 'schedule') throw new Error('no schedule');
      expect(schedule.params.jitter).toBeGreaterThan(0);
      expect(schedule.params.event).toEqual({ type: 'timer.fired', id: schedule.params.id });
      delays.push(schedule.params.delayMs);
      d.fireTimer('step1.extraction');
    }
    expect(delays).toEqual([2000, 4000, 60_000]);
    expect(retryDelayMs(3)).toBe(8000);
  });

  it('a non-retryable error goes straight to failed', () => {
    const d = new Driver(jobMachine, jobInput());
    d.send({ type: 'job.start' });
    const effects = d.fail('step1.extraction', { retryable: false });
    expect(types(effects)).not.toContain('schedule');
    expect(d.context.tasks['step1.extraction']!).toMatchObject({ status: 'failed', attempt: 1, retryCount: 0 });
  });

  it('a result for a stale attempt is ignored (fencing)', () => {
    const d = new Driver(jobMachine, jobInput());
    d.send({ type: 'job.start' });
    d.fail('step1.extraction');
    d.fireTimer('step1.extraction');
    const before = d.snapshot;
    const verdict = checkEvent(jobMachine, d.snapshot, { type: 'task.succeeded', task: 'step1.extraction', attempt: 1, output: {} });
    expect(verdict).toMatchObject({ ok: true, warnings: [{ code: 'STALE_RESULT' }] });
    d.send({ type: 'task.succeeded', task: 'step1.extraction', attempt: 1, output: {} });
    expect(d.snapshot.value).toEqual(before.value);
    expect(d.context.tasks['step1.extraction']!.status).toBe('running');
  });

  it('a timer of a cancelled retry changes nothing', () => {
    const d = new Driver(jobMachine, jobInput());
    d.send({ type: 'job.start' });
    d.fail('step1.extraction');
    d.send({ type: 'timer.fired', id: 'something-else' });
    expect(d.context.tasks['step1.extraction']!.status).toBe('retrying');
  });
});

describe('jobMachine: cancel is terminal', () => {
  it('cancel during a running sub-step, then its late success is ignored, and a retry after cancel is rejected', () => {
    const d = new Driver(jobMachine, jobInput());
    toStep6(d);
    const running = d.task('cloudwaitressAccount');
    const effects = d.send({ type: 'job.cancel', reason: 'operator' });
    expect(effects).toContainEqual({ type: 'cancelTask', params: { task: 'cloudwaitressAccount' } });
    expect(effects).toContainEqual({ type: 'notifyBatch', params: { event: { type: 'job.finished', jobId: 'job-1', outcome: 'cancelled', at: d.now() } } });
    const cancelled = d.snapshot;
    expect(projectJob(cancelled).job.status).toBe('cancelled');
    const late = checkEvent(jobMachine, cancelled, { type: 'task.succeeded', task: 'cloudwaitressAccount', attempt: running.attempt, output: {} });
    expect(late).toMatchObject({ ok: false, code: 'JOB_CANCELLED' });
    expect(() => d.send({ type: 'task.succeeded', task: 'cloudwaitressAccount', attempt: running.attempt, output: {} })).toThrow(
      expect.objectContaining({ code: 'JOB_CANCELLED' }),
    );
    expect(() => d.send({ type: 'substep.retry', key: 'cloudwaitressAccount' })).toThrow(MachineEventRejected);
    expect(d.snapshot).toBe(cancelled);
    expect(projectJob(d.snapshot).steps[5]!.sub_step_progress).toMatchObject({
      phases: { phase1: { sub_steps: { cloudwaitressAccount: { status: 'skipped', reason: 'Job cancelled' } } } },
    });
  });

  it('a job can be cancelled before it starts', () => {
    const d = new Driver(jobMachine, jobInput());
    d.send({ type: 'job.cancel' });
    expect(projectJob(d.snapshot).job).toMatchObject({ status: 'cancelled', started_at: null });
  });
});
