import { describe, expect, it } from 'vitest';
import {
  batchMachine,
  calculatePhaseStatus,
  checkEvent,
  jobMachine,
  projectBatch,
  projectJob,
  subStepProgress,
  yoloMachine,
  YOLO_PLAN,
  SUB_STEP_KEYS,
  type SubStepKey,
  type Effect,
} from '../src';
import { Driver, companyDetails, jobInput, nameResults, yoloInput } from './harness';

const statusOf = (d: Driver, key: SubStepKey) => d.context.tasks[key]!.status;
const running = (d: Driver) => d.openTasks().map((t) => t.task).sort();

describe('YOLO_PLAN', () => {
  it('is the default plan of DESIGN §3', () => {
    const byKey = Object.fromEntries(YOLO_PLAN.map((e) => [e.key, e]));
    expect(YOLO_PLAN.map((e) => e.key)).toEqual([...SUB_STEP_KEYS]);
    expect(byKey.restaurantRegistration).toMatchObject({ phase: 'phase2', needs: [], after: ['cloudwaitressAccount'] });
    expect(byKey.websiteConfig).toMatchObject({ needs: ['restaurantRegistration'], after: ['codeGeneration'] });
    expect(byKey.menuImport).toMatchObject({ needs: ['restaurantRegistration'], after: ['uploadImages'], lock: 'menu' });
    expect(byKey.syncOnboardingUser).toMatchObject({ needs: ['restaurantRegistration', 'createOnboardingUser'] });
    expect(byKey.optionSets).toMatchObject({ phase: 'phase3', needs: ['menuImport'], lock: 'menu' });
    expect(byKey.itemTags).toMatchObject({ phase: 'phase4', needs: ['menuImport'], lock: 'menu' });
    expect(YOLO_PLAN.filter((e) => e.phase === 'phase1').map((e) => e.key)).toEqual([
      'cloudwaitressAccount',
      'codeGeneration',
      'createOnboardingUser',
      'uploadImages',
    ]);
  });

  it('enabledWhen reads only steps_enabled', () => {
    for (const entry of YOLO_PLAN) {
      expect(entry.enabledWhen({})).toBe(true);
      expect(entry.enabledWhen({ [entry.key]: false })).toBe(false);
    }
  });

  it('phase status follows the original calculatePhaseStatus rule for rule', () => {
    expect(calculatePhaseStatus(['completed', 'retrying', 'failed'])).toBe('in_progress');
    expect(calculatePhaseStatus(['completed', 'skipped'])).toBe('completed');
    expect(calculatePhaseStatus(['completed', 'failed', 'pending'])).toBe('failed');
    expect(calculatePhaseStatus(['pending', 'pending'])).toBe('pending');
    expect(calculatePhaseStatus(['completed', 'pending'])).toBe('in_progress');
  });
});

describe('the Yolo region', () => {
  it('optionSets waits for menuImport, which waits for restaurantRegistration and uploadImages', () => {
    const d = new Driver(yoloMachine, yoloInput());
    expect(running(d)).toEqual(['cloudwaitressAccount', 'codeGeneration', 'createOnboardingUser', 'uploadImages']);
    d.succeed('cloudwaitressAccount');
    expect(running(d)).toContain('restaurantRegistration');
    d.succeed('restaurantRegistration', { pumpdRestaurantId: 'uuid-r' });
    expect(statusOf(d, 'menuImport')).toBe('pending'); // uploadImages still running
    expect(running(d)).toEqual(expect.arrayContaining(['servicesConfig', 'paymentConfig']));
    expect(running(d)).not.toContain('websiteConfig'); // after codeGeneration
    d.succeed('uploadImages', { uploaded: 3 });
    expect(statusOf(d, 'menuImport')).toBe('running');
    expect(statusOf(d, 'optionSets')).toBe('pending');
    expect(d.task('menuImport').input).toMatchObject({ upstream: { restaurantRegistration: { pumpdRestaurantId: 'uuid-r' }, uploadImages: { uploaded: 3 } } });
    d.succeed('menuImport');
    expect(statusOf(d, 'optionSets')).toBe('running');
    expect(statusOf(d, 'itemTags')).toBe('pending'); // the menu lock
    d.succeed('optionSets');
    expect(statusOf(d, 'itemTags')).toBe('running');
  });

  it('there are no phase barriers: websiteConfig starts while phase 1 is still running', () => {
    const d = new Driver(yoloMachine, yoloInput());
    d.succeed('cloudwaitressAccount');
    d.succeed('codeGeneration');
    d.succeed('restaurantRegistration');
    expect(statusOf(d, 'websiteConfig')).toBe('running');
    expect(statusOf(d, 'uploadImages')).toBe('running');
    expect(subStepProgress(d.context).phases.phase1.status).toBe('in_progress');
  });

  it('with uploadImages disabled, menuImport still runs', () => {
    const d = new Driver(yoloMachine, yoloInput(['uploadImages']));
    expect(d.context.tasks.uploadImages).toMatchObject({ status: 'skipped', reason: 'Disabled in config' });
    d.succeed('cloudwaitressAccount');
    d.succeed('restaurantRegistration');
    expect(statusOf(d, 'menuImport')).toBe('running');
  });

  it('with cloudwaitressAccount disabled (an existing account), restaurantRegistration runs at once', () => {
    const d = new Driver(yoloMachine, yoloInput(['cloudwaitressAccount']));
    expect(statusOf(d, 'restaurantRegistration')).toBe('running');
  });

  it('with createOnboardingUser disabled, syncOnboardingUser is skipped and the job can still complete', () => {
    const d = new Driver(yoloMachine, yoloInput(['createOnboardingUser']));
    expect(d.context.tasks.syncOnboardingUser).toMatchObject({ status: 'skipped', reason: 'createOnboardingUser skipped' });
    for (let i = 0; i < 20 && d.openTasks().length; i++) for (const t of d.openTasks()) d.succeed(t.task);
    expect(d.snapshot.matches({ outcome: 'succeeded' })).toBe(true);
  });

  it('menuImport, optionSets and itemTags never hold the menu lock together', () => {
    const d = new Driver(yoloMachine, yoloInput());
    for (let i = 0; i < 30 && d.openTasks().length; i++) {
      const open = running(d);
      expect(open.filter((k) => ['menuImport', 'optionSets', 'itemTags'].includes(k)).length).toBeLessThanOrEqual(1);
      d.succeed(open[0]!);
    }
  });

  it('a failed need skips its dependents with "blocked by X", and they re-open when X is retried', () => {
    const d = new Driver(yoloMachine, yoloInput());
    d.succeed('cloudwaitressAccount');
    d.fail('restaurantRegistration', { retryable: false });
    for (const key of ['websiteConfig', 'servicesConfig', 'paymentConfig', 'menuImport', 'syncOnboardingUser'] as const) {
      expect(d.context.tasks[key]).toMatchObject({ status: 'skipped', reason: 'blocked by restaurantRegistration' });
    }
    expect(d.context.tasks.optionSets).toMatchObject({ status: 'skipped', reason: 'menuImport skipped' });
    d.send({ type: 'substep.retry', key: 'restaurantRegistration' });
    expect(statusOf(d, 'restaurantRegistration')).toBe('running');
    expect(statusOf(d, 'servicesConfig')).toBe('pending');
    expect(statusOf(d, 'optionSets')).toBe('pending');
  });

  it('substep.markDone is refused while the needs are not met', () => {
    const d = new Driver(yoloMachine, yoloInput());
    expect(checkEvent(yoloMachine, d.snapshot, { type: 'substep.markDone', key: 'optionSets' })).toMatchObject({ ok: false, code: 'NEEDS_NOT_MET' });
    d.send({ type: 'substep.markDone', key: 'cloudwaitressAccount', output: { pumpdAccountId: 'uuid-a' } });
    expect(d.context.tasks.cloudwaitressAccount).toMatchObject({ status: 'succeeded', manuallyUpdated: true });
    expect(d.log).toContainEqual({ type: 'cancelTask', params: { task: 'cloudwaitressAccount' } });
    expect(subStepProgress(d.context).phases.phase1.sub_steps.cloudwaitressAccount).toMatchObject({ status: 'completed', manually_updated: true });
  });

  it('substep.skip by an operator counts as done for afters, and as skipped for needs', () => {
    const d = new Driver(yoloMachine, yoloInput());
    d.send({ type: 'substep.skip', key: 'uploadImages', reason: 'images later' });
    d.send({ type: 'substep.skip', key: 'createOnboardingUser' });
    expect(d.context.tasks.uploadImages).toMatchObject({ status: 'skipped', reason: 'images later', skipKind: 'manual' });
    expect(d.context.tasks.syncOnboardingUser).toMatchObject({ status: 'skipped', reason: 'createOnboardingUser skipped' });
    d.succeed('cloudwaitressAccount');
    d.succeed('restaurantRegistration');
    expect(statusOf(d, 'menuImport')).toBe('running');
  });
});

/** Runs a job to step 6 and hands job->batch reports to a batch driver, as the engine does in the same transaction. */
function jobInBatch(jobIds: string[]) {
  const batch = new Driver(batchMachine, { batchId: 'batch-1', organisationId: 'org-1', name: 'B', mode: 'parallel', jobIds });
  const forward = (effects: Effect[]) => {
    for (const e of effects) if (e.type === 'notifyBatch') batch.send(e.params.event, 0);
  };
  return { batch, forward };
}

describe('a failed sub-step and the batch', () => {
  it('a failed servicesConfig does not stop menuImport, optionSets or itemTags; the job ends failed, and substep.retry completes it and re-opens the batch', () => {
    const { batch, forward } = jobInBatch(['job-1']);
    batch.send({ type: 'batch.start' });
    const d = new Driver(jobMachine, jobInput());
    forward(d.send({ type: 'job.start' }));
    forward(d.succeed('step1.extraction'));
    forward(d.succeed('step2.searchByName', nameResults));
    forward(d.succeed('step2.searchByAddress', { results: [] }));
    forward(d.send({ type: 'company.selected', companyNumber: '1234567' }));
    forward(d.succeed('step4.companyDetails', companyDetails));
    forward(d.send({ type: 'config.submitted', config: d.context.proposedConfig }));
    for (let i = 0; i < 40 && d.openTasks().length; i++) {
      for (const t of d.openTasks()) {
        if (t.task === 'servicesConfig') forward(d.fail('servicesConfig', { retryable: false }));
        else forward(d.succeed(t.task));
      }
    }
    for (const key of ['menuImport', 'optionSets', 'itemTags', 'paymentConfig', 'websiteConfig'] as const) expect(statusOf(d, key)).toBe('succeeded');
    let rows = projectJob(d.snapshot);
    expect(rows.job.status).toBe('failed');
    expect(rows.job.error_message).toContain('servicesConfig failed');
    expect(rows.steps[5]!.status).toBe('failed');
    expect(rows.steps[5]!.sub_step_progress).toMatchObject({ current_phase: 'phase2', phases: { phase2: { status: 'failed' }, phase3: { status: 'completed' } } });
    // 1 of 1 failed is more than 50 %: the batch is failed
    expect(projectBatch(batch.snapshot)).toMatchObject({ status: 'failed', failed_restaurants: 1, completed_restaurants: 0 });

    forward(d.send({ type: 'substep.retry', key: 'servicesConfig' }));
    expect(batch.snapshot.value).toBe('in_progress');
    expect(projectBatch(batch.snapshot)).toMatchObject({ failed_restaurants: 0, completed_at: null });
    forward(d.succeed('servicesConfig'));
    rows = projectJob(d.snapshot);
    expect(rows.job.status).toBe('completed');
    expect(projectBatch(batch.snapshot)).toMatchObject({ status: 'completed', completed_restaurants: 1, failed_restaurants: 0 });
  });

  it('projects pumpd ids and execution_results from the sub-step outputs', () => {
    const d = new Driver(yoloMachine, yoloInput());
    d.succeed('cloudwaitressAccount', { pumpdAccountId: '11111111-1111-4111-8111-111111111111' });
    d.succeed('restaurantRegistration', {
      pumpdRestaurantId: '22222222-2222-4222-8222-222222222222',
      executionResults: { pumpd_restaurant_id: 'RES123', subdomain: 'pizzapalace' },
    });
    d.succeed('paymentConfig', { executionResults: { stripe_connect_url: 'https://connect.stripe.com/x' } });
    expect(projectJob(d.snapshot).job).toMatchObject({
      pumpd_user_id: '11111111-1111-4111-8111-111111111111',
      pumpd_restaurant_id: '22222222-2222-4222-8222-222222222222',
      execution_results: { pumpd_restaurant_id: 'RES123', subdomain: 'pizzapalace', stripe_connect_url: 'https://connect.stripe.com/x' },
    });
  });
});
