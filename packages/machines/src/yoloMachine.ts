// The Yolo region (step 6): one parallel region per YOLO_PLAN entry plus an `outcome` region, built from the plan data.
// jobMachine embeds it as step 6; yoloMachine is the same region standalone, for embedding and inspection.
import { SUB_STEP_KEYS, type SubStepKey } from './domain';
import { type JobContext, type JobInput, initialJobContext, placeholderJobContext, taskOf } from './jobContext';
import { jobSetup, type JobStateConfig } from './jobSetup';
import { taskState, type TaskOutcome } from './taskState';
import { PLAN_BY_KEY } from './yoloPlan';

/** What a sub-step task receives: ids, the configuration, and the outputs of its succeeded needs and afters. */
export interface SubStepInput {
  key: SubStepKey;
  jobId: string;
  batchId: string;
  organisationId: string;
  restaurantId: string;
  config: unknown;
  upstream: Partial<Record<SubStepKey, unknown>>;
}

export function subStepInput(context: JobContext, key: SubStepKey): SubStepInput {
  const entry = PLAN_BY_KEY[key];
  const upstream: Partial<Record<SubStepKey, unknown>> = {};
  for (const dep of [...entry.needs, ...entry.after]) {
    const record = taskOf(context, dep);
    if (record.status === 'succeeded') upstream[dep] = record.output;
  }
  return {
    key,
    jobId: context.jobId,
    batchId: context.batchId,
    organisationId: context.organisationId,
    restaurantId: context.restaurant.id,
    config: context.executionConfig,
    upstream,
  };
}

function subStepRegion(key: SubStepKey): JobStateConfig {
  const k = { key };
  const skip = {
    'substep.skip': { guard: { type: 'isKey', params: k }, target: 'skipped', actions: [{ type: 'skipByOperator', params: k }] },
  };
  const markDone = {
    'substep.markDone': {
      guard: { type: 'isKeyWithNeedsMet', params: k },
      target: 'succeeded',
      actions: [{ type: 'markDoneByOperator', params: k }],
    },
  };
  const reopen = [{ type: 'reopenTask', params: { task: key } }];
  return taskState({
    task: key,
    kind: key,
    input: (context) => subStepInput(context, key),
    initial: 'pending',
    description: `${PLAN_BY_KEY[key].label}: ${PLAN_BY_KEY[key].why}`,
    states: {
      pending: {
        description: 'Waits until its needs and afters are met and its lock is free',
        always: [
          { guard: { type: 'subNotRunnable', params: k }, target: 'skipped', actions: [{ type: 'skipByPlan', params: k }] },
          { guard: { type: 'subCanStart', params: k }, target: 'running' },
        ],
        on: { ...skip, ...markDone },
      } as JobStateConfig,
      running: { on: { ...skip, ...markDone } } as JobStateConfig,
      retrying: { on: { ...skip, ...markDone } } as JobStateConfig,
      failed: {
        on: {
          'substep.retry': { guard: { type: 'isKey', params: k }, target: 'pending', actions: reopen },
          'step.retry': { guard: { type: 'isStep', params: { step: 6 } }, target: 'pending', actions: reopen },
          ...skip,
          ...markDone,
        },
      } as JobStateConfig,
      skipped: {
        description: 'Disabled, blocked by a need or after, or skipped by an operator (see reason)',
        always: [{ guard: { type: 'subUnblocked', params: k }, target: 'pending', actions: reopen }],
        on: {
          'substep.retry': { guard: { type: 'isManualSkipOf', params: k }, target: 'pending', actions: reopen },
          ...markDone,
        },
      } as JobStateConfig,
    },
  });
}

export interface YoloOutcomeOptions {
  /** Taken once every sub-step succeeded or was skipped without a failure. */
  onSucceeded: TaskOutcome;
  /** Extra config of the `failed` outcome (tags, entry) and the actions run when a retry re-opens it. */
  failed: JobStateConfig;
  onReopened: readonly unknown[];
}

/** The twelve sub-step regions plus `outcome`, as the `states` of a parallel state node. */
export function yoloRegionStates(options: YoloOutcomeOptions): Record<string, JobStateConfig> {
  const states: Record<string, JobStateConfig> = {};
  for (const key of SUB_STEP_KEYS) states[key] = subStepRegion(key);
  states.outcome = {
    description: 'Settles when no sub-step is pending, running or retrying; a failure fails the job, a retry re-opens it',
    initial: 'running',
    states: {
      running: {
        always: [
          { guard: 'yoloSucceeded', target: options.onSucceeded.target ?? 'succeeded', actions: options.onSucceeded.actions ?? [] },
          { guard: 'yoloFailed', target: 'failed' },
        ],
      },
      failed: {
        ...options.failed,
        always: [{ guard: 'yoloReopened', target: 'running', actions: options.onReopened }],
      },
      succeeded: { description: 'Every enabled sub-step succeeded' },
    },
  } as JobStateConfig;
  return states;
}

export interface YoloInput extends JobInput {
  executionConfig: NonNullable<JobInput['executionConfig']>;
}

/** The Yolo region standalone: input is a job input with the submitted executionConfig. */
export const yoloMachine = jobSetup.createMachine({
  id: 'yolo',
  description: 'Step 6 "Pumpd Account Setup": twelve sub-steps scheduled by YOLO_PLAN (needs, after, lock), no phase barriers',
  type: 'parallel',
  context: ({ input }) => {
    if (!input) return placeholderJobContext();
    if (!input.executionConfig) throw new Error('yoloMachine input: executionConfig is required');
    const context = initialJobContext(input);
    return { ...context, executionConfig: input.executionConfig, currentStep: 6 };
  },
  states: yoloRegionStates({
    onSucceeded: { target: 'succeeded' },
    failed: { tags: ['job_failed'], description: 'A sub-step failed and every independent branch has finished' },
    onReopened: [],
  }) as Record<string, JobStateConfig>,
});
