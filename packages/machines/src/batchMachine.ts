// batchMachine: a batch of restaurant jobs (DESIGN §3 batch rules). Jobs are separate actors: the batch commands them
// through `deliver` runTask effects and learns of them through job.* events, keeping the seed's counters.
import { assign, enqueueActions, setup } from 'xstate';
import type { ExecutionMode, StepNumber } from './domain';
import type { BatchEvent, DeliverInput, JobEvent, RunTaskParams } from './events';

export interface BatchInput {
  batchId: string;
  organisationId: string;
  name: string;
  mode: ExecutionMode;
  /** In creation order (sequential mode starts them in this order). */
  jobIds: string[];
  /** Saved for later: created `draft` instead of `pending`. */
  draft?: boolean;
  /** The row's metadata at creation (e.g. default_execution_config); the projection keeps it and adds paused_at. */
  metadata?: Record<string, unknown>;
}

/** queued: not started; started: running or re-opened; parked: waiting for a person; then its outcome. */
export type BatchJobState = 'queued' | 'started' | 'parked' | 'completed' | 'failed' | 'cancelled';

export interface BatchJobEntry {
  state: BatchJobState;
  step: StepNumber;
}

export interface BatchContext {
  batchId: string;
  organisationId: string;
  name: string;
  mode: ExecutionMode;
  createdAsDraft: boolean;
  jobIds: string[];
  jobs: Record<string, BatchJobEntry>;
  metadata: Record<string, unknown>;
  startedAt: string | null;
  completedAt: string | null;
  cancelledAt: string | null;
  pausedAt: string | null;
  currentStep: StepNumber;
  /** Numbers deliver tasks, so every command has its own task id. */
  deliverSeq: number;
}

const FINAL_JOB_STATES: ReadonlySet<BatchJobState> = new Set(['completed', 'failed', 'cancelled']);

export function isFinalJobState(state: BatchJobState): boolean {
  return FINAL_JOB_STATES.has(state);
}

function atOf(event: { at?: string }): string | null {
  return typeof event.at === 'string' ? event.at : null;
}

export function batchCounters(context: Pick<BatchContext, 'jobIds' | 'jobs'>) {
  let completed = 0;
  let failed = 0;
  let cancelled = 0;
  for (const id of context.jobIds) {
    const state = context.jobs[id]?.state;
    if (state === 'completed') completed++;
    else if (state === 'failed') failed++;
    else if (state === 'cancelled') cancelled++;
  }
  return { total: context.jobIds.length, completed, failed, cancelled };
}

function allFinal(context: BatchContext): boolean {
  return context.jobIds.every((id) => {
    const entry = context.jobs[id];
    return entry !== undefined && isFinalJobState(entry.state);
  });
}

/** More than half of the restaurants failed; cancelled ones do not count as failed (but do count in the total). */
export function failedMajority(context: Pick<BatchContext, 'jobIds' | 'jobs'>): boolean {
  const c = batchCounters(context);
  return c.total > 0 && c.failed * 2 > c.total;
}

/** The lowest current step among unfinished jobs (queued ones are at step 1); unchanged when every job is final. */
function lowestStep(context: BatchContext): StepNumber {
  let lowest: StepNumber | null = null;
  for (const id of context.jobIds) {
    const entry = context.jobs[id];
    if (!entry || isFinalJobState(entry.state)) continue;
    if (lowest === null || entry.step < lowest) lowest = entry.step;
  }
  return lowest ?? context.currentStep;
}

function deliverTask(seq: number, jobId: string, event: JobEvent): RunTaskParams {
  const input: DeliverInput = { jobId, event };
  return { task: `deliver.${jobId}.${event.type}.${seq}`, kind: 'deliver', attempt: 1, input };
}

/** Which queued jobs to start now: all in parallel mode; in sequential mode the next one when none is started. */
function jobsToStart(context: BatchContext): string[] {
  const queued = context.jobIds.filter((id) => context.jobs[id]?.state === 'queued');
  if (context.mode === 'parallel') return queued;
  const busy = context.jobIds.some((id) => context.jobs[id]?.state === 'started');
  return busy || queued.length === 0 ? [] : [queued[0] as string];
}

function stampJob(event: { at?: string }): { at?: string } {
  return typeof event.at === 'string' ? { at: event.at } : {};
}

type Enqueue = {
  (action: { type: 'runTask'; params: RunTaskParams }): void;
  assign: (assigner: (args: { context: BatchContext }) => Partial<BatchContext>) => void;
};

/** Emits one `deliver` runTask per job and numbers them; `jobIdsOf` picks the jobs from the context. */
function deliverTo(jobIdsOf: (context: BatchContext) => string[], makeEvent: (event: BatchEvent) => JobEvent, markStarted: boolean) {
  return enqueueActions(({ context, event, enqueue }: { context: BatchContext; event: BatchEvent; enqueue: Enqueue }) => {
    const ids = jobIdsOf(context);
    if (ids.length === 0) return;
    ids.forEach((id, i) => enqueue({ type: 'runTask', params: deliverTask(context.deliverSeq + i + 1, id, makeEvent(event)) }));
    enqueue.assign(({ context: c }) => ({
      deliverSeq: c.deliverSeq + ids.length,
      ...(markStarted
        ? { jobs: Object.fromEntries(Object.entries(c.jobs).map(([id, e]) => [id, ids.includes(id) ? { ...e, state: 'started' as const } : e])) }
        : {}),
    }));
  });
}

type G = { context: BatchContext; event: BatchEvent };

export const batchSetup = setup({
  types: {
    context: {} as BatchContext,
    events: {} as BatchEvent,
    input: {} as BatchInput,
    tags: {} as 'editable' | 'running' | 'finished',
  },
  actions: {
    runTask: (_: unknown, _params: RunTaskParams) => {
      /* effect: a deliver task the engine applies to the job in that job's own transaction */
    },
    addJobs: assign(({ context, event }) => {
      if (event.type !== 'batch.addJobs') return {};
      const fresh = event.jobIds.filter((id, i, all) => !context.jobIds.includes(id) && all.indexOf(id) === i);
      const jobs = { ...context.jobs };
      for (const id of fresh) jobs[id] = { state: 'queued', step: 1 };
      return { jobIds: [...context.jobIds, ...fresh], jobs };
    }),
    removeJobs: assign(({ context, event }) => {
      if (event.type !== 'batch.removeJobs') return {};
      const gone = new Set(event.jobIds);
      const jobs = Object.fromEntries(Object.entries(context.jobs).filter(([id]) => !gone.has(id)));
      return { jobIds: context.jobIds.filter((id) => !gone.has(id)), jobs };
    }),
    markStarted: assign(({ event }) => ({ startedAt: atOf(event), currentStep: 1 as StepNumber })),
    startJobs: deliverTo(jobsToStart, (event) => ({ type: 'job.start', ...stampJob(event) }), true) as never,
    cancelJobs: deliverTo(
      (context) => context.jobIds.filter((id) => !isFinalJobState(context.jobs[id]?.state ?? 'queued') || context.jobs[id]?.state === 'failed'),
      (event) => ({ type: 'job.cancel', ...(event.type === 'batch.cancel' && event.reason ? { reason: event.reason } : {}), ...stampJob(event) }),
      false,
    ) as never,
    trackJob: assign(({ context, event }) => {
      if (!('jobId' in event) || typeof event.jobId !== 'string') return {};
      const entry = context.jobs[event.jobId];
      if (!entry) return {};
      let next: BatchJobEntry = entry;
      switch (event.type) {
        case 'job.stepChanged':
          next = { step: event.step, state: entry.state === 'queued' || entry.state === 'parked' ? 'started' : entry.state };
          break;
        case 'job.parked':
          next = { step: event.step, state: isFinalJobState(entry.state) ? entry.state : 'parked' };
          break;
        case 'job.finished':
          next = { ...entry, state: event.outcome };
          break;
        case 'job.reopened':
          next = { ...entry, state: entry.state === 'cancelled' ? 'cancelled' : 'started' };
          break;
      }
      const jobs = { ...context.jobs, [event.jobId]: next };
      return { jobs, currentStep: lowestStep({ ...context, jobs }) };
    }),
    pause: assign(({ event }) => ({ pausedAt: atOf(event) })),
    resume: assign(() => ({ pausedAt: null })),
    finish: assign(({ event }) => ({ completedAt: atOf(event) })),
    reopen: assign(() => ({ completedAt: null })),
    markCancelled: assign(({ event }) => ({ cancelledAt: atOf(event), pausedAt: null })),
  },
  guards: {
    createdAsDraft: ({ context }: G) => context.createdAsDraft,
    failedMajorityOnceFinal: ({ context }: G) => allFinal(context) && failedMajority(context),
    everyJobFinal: ({ context }: G) => allFinal(context),
    someJobOpen: ({ context }: G) => !allFinal(context),
    everyJobFinalAndMostSucceeded: ({ context }: G) => allFinal(context) && !failedMajority(context),
    isPaused: ({ context }: G) => context.pausedAt !== null,
    isNotPaused: ({ context }: G) => context.pausedAt === null,
    knownJob: ({ context, event }: G) => 'jobId' in event && typeof event.jobId === 'string' && context.jobs[event.jobId] !== undefined,
  },
});

const editing = {
  'batch.addJobs': { actions: ['addJobs'] },
  'batch.removeJobs': { actions: ['removeJobs'] },
  'batch.start': { target: 'in_progress', actions: ['markStarted', 'startJobs'] },
  'batch.cancel': { target: 'cancelled', actions: ['markCancelled'] },
} as const;

/** Job reports reach a finished batch too: a job re-opened by an operator re-opens the batch, counters follow. */
const jobReports = {
  'job.stepChanged': { guard: 'knownJob', actions: ['trackJob'] },
  'job.parked': { guard: 'knownJob', actions: ['trackJob'] },
  'job.finished': { guard: 'knownJob', actions: ['trackJob'] },
  'job.reopened': { guard: 'knownJob', actions: ['trackJob'] },
} as const;

const PLACEHOLDER_BATCH: BatchContext = {
  batchId: '',
  organisationId: '',
  name: '',
  mode: 'parallel',
  createdAsDraft: false,
  jobIds: [],
  jobs: {},
  metadata: {},
  startedAt: null,
  completedAt: null,
  cancelledAt: null,
  pausedAt: null,
  currentStep: 1,
  deliverSeq: 0,
};

export const batchMachine = batchSetup.createMachine({
  id: 'batch',
  description: 'A batch of restaurants, parallel or sequential; failed when more than half of its restaurants failed',
  context: ({ input }) => {
    // transition() builds an inert actor without input on every call: answer cheaply instead of throwing.
    if (!input) return { ...PLACEHOLDER_BATCH };
    if (input.mode !== 'parallel' && input.mode !== 'sequential') {
      throw new Error(`batch input: mode must be "parallel" or "sequential", got ${JSON.stringify(input.mode)}`);
    }
    const jobIds = input.jobIds.filter((id, i, all) => all.indexOf(id) === i);
    return {
      batchId: input.batchId,
      organisationId: input.organisationId,
      name: input.name,
      mode: input.mode,
      createdAsDraft: input.draft === true,
      jobIds,
      jobs: Object.fromEntries(jobIds.map((id) => [id, { state: 'queued' as const, step: 1 as StepNumber }])),
      metadata: input.metadata ?? {},
      startedAt: null,
      completedAt: null,
      cancelledAt: null,
      pausedAt: null,
      currentStep: 1 as StepNumber,
      deliverSeq: 0,
    };
  },
  initial: 'created',
  states: {
    created: {
      description: 'Transient: draft when saved for later, else pending',
      always: [{ guard: 'createdAsDraft', target: 'draft' }, { target: 'pending' }],
    },
    draft: { description: 'Saved for later; restaurants can be added or removed', tags: ['editable'], on: editing },
    pending: { description: 'Ready to start; restaurants can be added or removed', tags: ['editable'], on: editing },
    in_progress: {
      description: 'Jobs run; sequential mode starts the next when the current one finishes or parks',
      tags: ['running'],
      always: [
        { guard: 'failedMajorityOnceFinal', target: 'failed', actions: ['finish'] },
        { guard: 'everyJobFinal', target: 'completed', actions: ['finish'] },
      ],
      on: {
        'job.stepChanged': { guard: 'knownJob', actions: ['trackJob', 'startJobs'] },
        'job.parked': { guard: 'knownJob', actions: ['trackJob', 'startJobs'] },
        'job.finished': { guard: 'knownJob', actions: ['trackJob', 'startJobs'] },
        'job.reopened': { guard: 'knownJob', actions: ['trackJob'] },
        'batch.pause': { guard: 'isNotPaused', actions: ['pause'] },
        'batch.resume': { guard: 'isPaused', actions: ['resume'] },
        'batch.cancel': { target: 'cancelled', actions: ['markCancelled', 'cancelJobs'] },
      },
    },
    completed: {
      description: 'Every job is final and at most half failed; re-opens when an operator retries a job',
      tags: ['finished'],
      // A late report can still move a counter: the verdict follows it.
      always: [
        { guard: 'someJobOpen', target: 'in_progress', actions: ['reopen'] },
        { guard: 'failedMajorityOnceFinal', target: 'failed' },
      ],
      on: { ...jobReports, 'job.reopened': { guard: 'knownJob', target: 'in_progress', actions: ['trackJob', 'reopen'] } },
    },
    failed: {
      description: 'Every job is final and more than half failed (cancelled ones do not count); re-opens on a retry',
      tags: ['finished'],
      always: [
        { guard: 'someJobOpen', target: 'in_progress', actions: ['reopen'] },
        { guard: 'everyJobFinalAndMostSucceeded', target: 'completed' },
      ],
      on: {
        ...jobReports,
        'job.reopened': { guard: 'knownJob', target: 'in_progress', actions: ['trackJob', 'reopen'] },
        'batch.cancel': { target: 'cancelled', actions: ['markCancelled', 'cancelJobs'] },
      },
    },
    cancelled: { type: 'final', description: 'Terminal: later events are rejected' },
  },
});

export type BatchMachine = typeof batchMachine;
