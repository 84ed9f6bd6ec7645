// jobMachine: one restaurant's six steps (DESIGN §3). Automatic work is taskState()s that emit effects; the two human
// steps wait in `action_required` states that also accept their decision early (kept in the inbox, applied on arrival).
import { STEP_TASKS, initialJobContext, placeholderJobContext, type JobContext } from './jobContext';
import { jobSetup, notify, type JobStateConfig } from './jobSetup';
import { taskState } from './taskState';
import { yoloRegionStates } from './yoloMachine';
import type { StepNumber } from './domain';

const stepChanged = (step: StepNumber) => notify(() => ({ type: 'job.stepChanged', step }));
const parked = (step: StepNumber) => notify(() => ({ type: 'job.parked', step }));
const finishedFailed = notify(() => ({ type: 'job.finished', outcome: 'failed' }));
const reopened = notify(() => ({ type: 'job.reopened' }));
const enter = (step: StepNumber) => [{ type: 'enterStep', params: { step } }, stepChanged(step)];
const setStep = (step: StepNumber, status: string) => ({ type: 'setStep', params: { step, status } });

export const JOB_STEP_DESCRIPTIONS: Readonly<Record<StepNumber, string>> = {
  1: 'Menu & Branding Extraction: adopt a completed extraction, or trigger one and wait until a menu with items exists',
  2: 'Contact Details Search: the name search and the address search, merged and scored',
  3: 'Company Selection: a person picks the company (or no match, or enters it by hand)',
  4: 'Company Details Extraction: directors, shareholders, NZBN contacts; fills the configuration defaults',
  5: 'Yolo Mode Configuration: a person submits the configuration (validated by ExecutionConfigSchema)',
  6: 'Pumpd Account Setup: the twelve sub-steps of YOLO_PLAN',
};

const restaurantInput = (context: JobContext) => ({
  jobId: context.jobId,
  batchId: context.batchId,
  organisationId: context.organisationId,
  restaurantId: context.restaurant.id,
});

const step1: JobStateConfig = {
  description: JOB_STEP_DESCRIPTIONS[1],
  entry: enter(1),
  initial: 'task',
  states: {
    task: taskState({
      task: STEP_TASKS.extraction,
      kind: 'extraction.run',
      input: (context) => ({ ...restaurantInput(context), restaurant: context.restaurant }),
      onSucceeded: {
        target: '#job.active.step2',
        actions: [setStep(1, 'completed'), { type: 'stepResultFromTask', params: { step: 1, task: STEP_TASKS.extraction } }],
      },
      onFailed: { target: '#job.active.step1.failed', actions: [{ type: 'failStep', params: { step: 1, task: STEP_TASKS.extraction } }] },
    }),
    failed: {
      description: 'Extraction failed after its attempts; an operator can retry step 1',
      tags: ['job_failed'],
      entry: [finishedFailed],
      on: {
        'step.retry': {
          guard: { type: 'isStep', params: { step: 1 } },
          target: 'task',
          actions: [{ type: 'reopenTask', params: { task: STEP_TASKS.extraction } }, 'jobReopened', reopened, ...enter(1)],
        },
      },
    },
  },
} as JobStateConfig;

const searchInput = (context: JobContext) => ({
  ...restaurantInput(context),
  queries: context.search.queries,
});

const step2Reenter = (extra: readonly unknown[] = []) => ({ target: '#job.active.step2', reenter: true, actions: extra });

const step2: JobStateConfig = {
  description: JOB_STEP_DESCRIPTIONS[2],
  entry: [...enter(2), 'beginSearch'],
  initial: 'searching',
  states: {
    searching: {
      type: 'parallel',
      states: {
        byName: taskState({
          task: STEP_TASKS.searchByName,
          kind: 'registry.searchByName',
          input: (context) => ({ ...searchInput(context), query: context.search.queries?.restaurant_name ?? '' }),
          onFailed: { target: '#job.active.step2.failed', actions: [{ type: 'failStep', params: { step: 2, task: STEP_TASKS.searchByName } }] },
          states: { succeeded: { always: [{ guard: 'searchesDone', target: '#job.active.step2.decide' }] } as JobStateConfig },
        }),
        byAddress: taskState({
          task: STEP_TASKS.searchByAddress,
          kind: 'registry.searchByAddress',
          input: (context) => ({
            ...searchInput(context),
            street: context.search.queries?.street ?? '',
            city: context.search.queries?.city ?? '',
          }),
          onFailed: {
            target: '#job.active.step2.failed',
            actions: [{ type: 'failStep', params: { step: 2, task: STEP_TASKS.searchByAddress } }],
          },
          states: { succeeded: { always: [{ guard: 'searchesDone', target: '#job.active.step2.decide' }] } as JobStateConfig },
        }),
      },
    },
    decide: {
      description: 'Merges and scores the two result lists',
      entry: ['collectSearchResults'],
      always: [
        { guard: 'hasCandidates', target: '#job.active.step3', actions: [setStep(2, 'completed')] },
        { target: 'noMatch' },
      ],
    },
    noMatch: {
      initial: 'deciding',
      states: {
        deciding: {
          always: [
            { guard: 'inboxNoMatch', target: '#job.active.step5', actions: [{ type: 'noMatch', params: { source: 'inbox', from: 2 } }] },
            {
              guard: 'inboxManualEntry',
              target: '#job.active.step4',
              actions: [{ type: 'manualEntry', params: { source: 'inbox', from: 2 } }],
            },
            { target: 'waiting' },
          ],
        },
        waiting: {
          tags: ['action_required'],
          description: 'No company found: retry the search with an edited query, enter the company by hand, or confirm there is none',
          entry: [setStep(2, 'action_required'), parked(2)],
          on: {
            'company.noMatch': { target: '#job.active.step5', actions: [{ type: 'noMatch', params: { source: 'event', from: 2 } }] },
            'company.manualEntry': {
              target: '#job.active.step4',
              actions: [{ type: 'manualEntry', params: { source: 'event', from: 2 } }],
            },
            'search.retry': step2Reenter(),
          },
        },
      },
    },
    failed: {
      tags: ['job_failed', 'action_required'],
      description: 'A search still failed after its retries: retry the step or the search, or enter the company by hand',
      entry: ['searchFailed', finishedFailed],
      on: {
        'step.retry': { guard: { type: 'isStep', params: { step: 2 } }, ...step2Reenter(['jobReopened', reopened]) },
        'search.retry': step2Reenter(['jobReopened', reopened]),
        'company.noMatch': {
          target: '#job.active.step5',
          actions: ['jobReopened', reopened, { type: 'noMatch', params: { source: 'event', from: 2 } }],
        },
        'company.manualEntry': {
          target: '#job.active.step4',
          actions: ['jobReopened', reopened, { type: 'manualEntry', params: { source: 'event', from: 2 } }],
        },
      },
    },
  },
} as JobStateConfig;

const step3: JobStateConfig = {
  description: JOB_STEP_DESCRIPTIONS[3],
  entry: enter(3),
  initial: 'deciding',
  states: {
    deciding: {
      description: 'Applies a decision that arrived early, or the auto-selection policy',
      always: [
        {
          guard: 'inboxSelectionIsCandidate',
          target: '#job.active.step4',
          actions: [{ type: 'selectCompany', params: { source: 'inbox' } }],
        },
        { guard: 'inboxSelectionNotCandidate', actions: [{ type: 'rejectSelection', params: { source: 'inbox' } }] },
        { guard: 'inboxNoMatch', target: '#job.active.step5', actions: [{ type: 'noMatch', params: { source: 'inbox', from: 3 } }] },
        {
          guard: 'inboxManualEntry',
          target: '#job.active.step4',
          actions: [{ type: 'manualEntry', params: { source: 'inbox', from: 3 } }],
        },
        { guard: 'autoSelectConfident', target: '#job.active.step4', actions: [{ type: 'selectCompany', params: { source: 'auto' } }] },
        { target: 'waiting' },
      ],
    },
    waiting: {
      tags: ['action_required'],
      description: 'Pick the company among the scored candidates, confirm there is none, or enter it by hand',
      entry: [setStep(3, 'action_required'), parked(3)],
      on: {
        'company.selected': [
          { guard: 'selectionIsCandidate', target: '#job.active.step4', actions: [{ type: 'selectCompany', params: { source: 'event' } }] },
          { actions: [{ type: 'rejectSelection', params: { source: 'event' } }] },
        ],
        'company.noMatch': { target: '#job.active.step5', actions: [{ type: 'noMatch', params: { source: 'event', from: 3 } }] },
        'company.manualEntry': {
          target: '#job.active.step4',
          actions: [{ type: 'manualEntry', params: { source: 'event', from: 3 } }],
        },
        'search.retry': step2Reenter(),
      },
    },
  },
} as JobStateConfig;

const step4: JobStateConfig = {
  description: JOB_STEP_DESCRIPTIONS[4],
  entry: enter(4),
  initial: 'task',
  states: {
    task: taskState({
      task: STEP_TASKS.companyDetails,
      kind: 'company.details',
      input: (context) => ({
        ...restaurantInput(context),
        companyNumber: context.search.selectedCompanyNumber,
        candidate: context.search.selectedCompanyData,
        manualEntry: context.search.manualEntry,
        // The host generates and seals the account password step 5 proposes, unless a preset config supplies it.
        generateAccountPassword: context.presetConfig == null,
      }),
      onSucceeded: { target: '#job.active.step5', actions: ['companyDetailsSaved'] },
      onFailed: { target: '#job.active.step4.failed', actions: [{ type: 'failStep', params: { step: 4, task: STEP_TASKS.companyDetails } }] },
    }),
    failed: {
      description: 'Company details extraction failed after its attempts; an operator can retry step 4',
      tags: ['job_failed'],
      entry: [finishedFailed],
      on: {
        'step.retry': {
          guard: { type: 'isStep', params: { step: 4 } },
          target: 'task',
          actions: [{ type: 'reopenTask', params: { task: STEP_TASKS.companyDetails } }, 'jobReopened', reopened, ...enter(4)],
        },
      },
    },
  },
} as JobStateConfig;

const step5: JobStateConfig = {
  description: JOB_STEP_DESCRIPTIONS[5],
  entry: [...enter(5), 'proposeConfig'],
  initial: 'deciding',
  states: {
    deciding: {
      description: 'Applies a configuration that arrived early, or the defaults policy',
      always: [
        { guard: 'inboxConfigValid', target: '#job.active.step6', actions: [{ type: 'applyConfig', params: { source: 'inbox' } }] },
        { guard: 'autoConfigDefaults', target: '#job.active.step6', actions: [{ type: 'applyConfig', params: { source: 'defaults' } }] },
        { target: 'waiting' },
      ],
    },
    waiting: {
      tags: ['action_required'],
      description: 'Review and submit the configuration (the proposal is in step 5 result_data.proposed_config)',
      entry: [setStep(5, 'action_required'), parked(5)],
      on: {
        'config.submitted': { guard: 'configValid', target: '#job.active.step6', actions: [{ type: 'applyConfig', params: { source: 'event' } }] },
      },
    },
  },
} as JobStateConfig;

const step6: JobStateConfig = {
  description: JOB_STEP_DESCRIPTIONS[6],
  type: 'parallel',
  entry: enter(6),
  states: yoloRegionStates({
    onSucceeded: { target: '#job.completed' },
    failed: {
      tags: ['job_failed'],
      description: 'A sub-step failed and every independent branch has finished: retry, skip or mark done to re-open',
      entry: ['failYolo', finishedFailed],
    } as JobStateConfig,
    onReopened: ['jobReopened', setStep(6, 'in_progress'), reopened],
  }) as Record<string, JobStateConfig>,
} as JobStateConfig;

export const jobMachine = jobSetup.createMachine({
  id: 'job',
  description: "One restaurant's registration: the seed's six steps",
  context: ({ input }) => (input ? initialJobContext(input) : placeholderJobContext()),
  initial: 'pending',
  on: {
    'company.selected': { guard: 'companyDecisionOpen', actions: ['keepCompanyDecision'] },
    'company.noMatch': { guard: 'companyDecisionOpen', actions: ['keepCompanyDecision'] },
    'company.manualEntry': { guard: 'companyDecisionOpen', actions: ['keepCompanyDecision'] },
    'config.submitted': { guard: 'configDecisionOpen', actions: ['keepConfig'] },
    'job.cancel': { target: '.cancelled' },
  },
  states: {
    pending: {
      description: 'Created; waits for job.start (delivered by its batch)',
      on: { 'job.start': { target: 'active', actions: ['jobStarted'] } },
    },
    active: {
      initial: 'step1',
      states: { step1, step2, step3, step4, step5, step6 } as Record<string, JobStateConfig>,
    },
    completed: {
      type: 'final',
      description: 'Every enabled sub-step succeeded',
      entry: ['completeJob', notify(() => ({ type: 'job.finished', outcome: 'completed' }))],
    },
    cancelled: {
      type: 'final',
      description: 'Terminal: later events are rejected, late results change nothing',
      entry: ['cancelJob', notify(() => ({ type: 'job.finished', outcome: 'cancelled' }))],
    },
  },
});

export type JobMachine = typeof jobMachine;
