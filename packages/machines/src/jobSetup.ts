// The job machine's setup(): its types, named actions (effects and context updates) and guards. jobMachine,
// yoloMachine and taskState() build their configs from it, so every automatic unit speaks the same actions.
import { assign, setup } from 'xstate';
import type { StepNumber, StepStatus, SubStepKey } from './domain';
import type {
  CancelScheduleParams,
  CancelTaskParams,
  JobEvent,
  JobToBatchEvent,
  NotifyBatchParams,
  RunTaskParams,
  ScheduleParams,
  TaskError,
} from './events';
import {
  type JobContext,
  type JobInput,
  type RejectedSelection,
  STEP_TASKS,
  TASKS_OF_STEP,
  newStepRecord,
  patchStep,
  patchTask,
  planView,
  retryDelayMs,
  stepsEnabledOf,
  taskOf,
} from './jobContext';
import { canStart, dependentsOf, hasFailure, isSettled, needsMet, readiness } from './yoloPlan';
import { STEP_NUMBERS, SUB_STEP_KEYS } from './domain';
import {
  buildSearchQueries,
  confident,
  mergeSearchResults,
  scoreCandidates,
  type CompanyDetails,
  type RegistryCompany,
  type SearchQueries,
} from './matching';
import { defaultExecutionConfig, isSecretRef, safeNormaliseExecutionConfig } from './config/executionConfig';

const parsedConfigs = new WeakMap<object, ReturnType<typeof safeNormaliseExecutionConfig>>();

/**
 * ExecutionConfigSchema validation, memoised per submitted object: one event's config is read by several guards and
 * an action (and by checkEvent) within a single transition, and zod parsing dominates that transition's cost.
 */
export function parseConfig(raw: unknown): ReturnType<typeof safeNormaliseExecutionConfig> {
  if (typeof raw !== 'object' || raw === null) return safeNormaliseExecutionConfig(raw);
  let result = parsedConfigs.get(raw);
  if (!result) {
    result = safeNormaliseExecutionConfig(raw);
    parsedConfigs.set(raw, result);
  }
  return result;
}

/** Where a human decision comes from: the event being applied, the inbox (sent early), or an auto policy. */
export type DecisionSource = 'event' | 'inbox' | 'auto';

function decisionOf(context: JobContext, event: JobEvent, source: DecisionSource) {
  if (source === 'inbox') return context.inbox.company;
  if (event.type === 'company.selected' || event.type === 'company.noMatch' || event.type === 'company.manualEntry') return event;
  return null;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}

/**
 * The account password step 4's handler generated and sealed: `account_password_ref` of the company.details output.
 * Read from the task's recorded output, so a replay of the event log proposes the same reference.
 */
export function accountPasswordRefOf(output: unknown): { secret_ref: string } | null {
  const ref = (output as { account_password_ref?: unknown } | null)?.account_password_ref;
  return isSecretRef(ref) ? { secret_ref: ref.secret_ref } : null;
}

function withoutPasswordRef(details: CompanyDetails): CompanyDetails {
  if (!('account_password_ref' in details)) return details;
  const { account_password_ref: _ref, ...rest } = details as CompanyDetails & { account_password_ref?: unknown };
  return rest;
}

/** A search task's output: `{ results: RegistryCompany[] }` (a bare array is accepted too). */
export function resultsOf(output: unknown): RegistryCompany[] {
  const list = Array.isArray(output) ? output : (output as { results?: unknown } | null)?.results;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (c): c is RegistryCompany =>
      typeof c === 'object' && c !== null && typeof (c as RegistryCompany).company_number === 'string',
  );
}

function isCompanyDetails(value: unknown): value is CompanyDetails {
  return typeof value === 'object' && value !== null && typeof (value as CompanyDetails).company_name === 'string';
}

type Ctx = { context: JobContext; event: JobEvent };

export function atOf(event: { at?: string }): string | null {
  return typeof event.at === 'string' ? event.at : null;
}

/** Copies the triggering event's `at` (and nothing else) onto an event the machine emits. */
export function stamp<T extends object>(emitted: T, source: { at?: string }): T & { at?: string } {
  return typeof source.at === 'string' ? { ...emitted, at: source.at } : emitted;
}

function isResultFor(event: JobEvent, context: JobContext, task: string): boolean {
  return (
    (event.type === 'task.succeeded' || event.type === 'task.failed') &&
    event.task === task &&
    event.attempt === taskOf(context, task).attempt
  );
}

function keyOf(event: JobEvent): SubStepKey | null {
  return event.type === 'substep.retry' || event.type === 'substep.skip' || event.type === 'substep.markDone'
    ? event.key
    : null;
}

export function errorMessageOf(error: TaskError | null): string | null {
  return error ? `${error.code}: ${error.message}` : null;
}

const noEffect = () => {
  /* an effect: the host executes it from the action list (DESIGN §3, "effects are data") */
};

export const jobSetup = setup({
  types: {
    context: {} as JobContext,
    events: {} as JobEvent,
    input: {} as JobInput,
    tags: {} as 'action_required' | 'job_failed' | 'task_running',
  },
  actions: {
    // ---- effects ----
    runTask: noEffect as (_: unknown, params: RunTaskParams) => void,
    cancelTask: noEffect as (_: unknown, params: CancelTaskParams) => void,
    schedule: noEffect as (_: unknown, params: ScheduleParams) => void,
    cancelSchedule: noEffect as (_: unknown, params: CancelScheduleParams) => void,
    notifyBatch: noEffect as (_: unknown, params: NotifyBatchParams) => void,

    // ---- task records ----
    beginAttempt: assign(({ context, event }, params: { task: string }) => ({
      tasks: patchTask(context.tasks, params.task, (r) => ({
        status: 'running',
        attempt: r.attempt + 1,
        startedAt: r.startedAt ?? atOf(event),
        completedAt: null,
        timerId: null,
        delayMs: null,
        skipKind: null,
        reason: null,
      })),
    })),
    recordSuccess: assign(({ context, event }, params: { task: string }) => ({
      tasks: patchTask(context.tasks, params.task, () => ({
        status: 'succeeded',
        output: event.type === 'task.succeeded' ? event.output : null,
        completedAt: atOf(event),
        error: null,
      })),
    })),
    recordRetry: assign(({ context, event }, params: { task: string }) => ({
      tasks: patchTask(context.tasks, params.task, (r) => {
        const error = event.type === 'task.failed' ? event.error : null;
        const retry = r.retryCount + 1;
        return {
          status: 'retrying',
          retryCount: retry,
          error,
          timerId: `${params.task}#retry-${r.attempt}`,
          delayMs: retryDelayMs(retry, error?.retryAfterMs),
        };
      }),
    })),
    recordFailure: assign(({ context, event }, params: { task: string }) => ({
      tasks: patchTask(context.tasks, params.task, () => ({
        status: 'failed',
        error: event.type === 'task.failed' ? event.error : null,
        completedAt: atOf(event),
        timerId: null,
        delayMs: null,
      })),
    })),
    /** An operator's retry: a fresh run with a fresh retry budget; attempt numbers keep counting (fencing). */
    reopenTask: assign(({ context }, params: { task: string }) => ({
      tasks: patchTask(context.tasks, params.task, () => ({
        status: 'pending',
        retryCount: 0,
        startedAt: null,
        completedAt: null,
        timerId: null,
        delayMs: null,
        skipKind: null,
        reason: null,
        manuallyUpdated: false,
      })),
    })),
    /** pending -> skipped because disabled or blocked; the reason comes from the plan rules. */
    skipByPlan: assign(({ context, event }, params: { key: SubStepKey }) => {
      const r = readiness(params.key, planView(context), stepsEnabledOf(context.executionConfig));
      const skipKind = r.kind === 'disabled' ? 'disabled' : 'blocked';
      const reason = r.kind === 'disabled' || r.kind === 'blocked' ? r.reason : 'skipped';
      return {
        tasks: patchTask(context.tasks, params.key, () => ({
          status: 'skipped',
          skipKind,
          reason,
          completedAt: atOf(event),
        })),
      };
    }),
    skipByOperator: assign(({ context, event }, params: { key: SubStepKey }) => ({
      tasks: patchTask(context.tasks, params.key, () => ({
        status: 'skipped',
        skipKind: 'manual',
        reason: event.type === 'substep.skip' && event.reason ? event.reason : 'Skipped by operator',
        completedAt: atOf(event),
        manuallyUpdated: true,
        timerId: null,
        delayMs: null,
      })),
    })),
    markDoneByOperator: assign(({ context, event }, params: { key: SubStepKey }) => ({
      tasks: patchTask(context.tasks, params.key, (r) => ({
        status: 'succeeded',
        output: event.type === 'substep.markDone' && event.output !== undefined ? event.output : r.output,
        completedAt: atOf(event),
        startedAt: r.startedAt ?? atOf(event),
        skipKind: null,
        reason: null,
        error: null,
        manuallyUpdated: true,
        timerId: null,
        delayMs: null,
      })),
    })),

    // ---- step records ----
    setStep: assign(({ context, event }, params: { step: StepNumber; status: StepStatus }) => ({
      steps: patchStep(context.steps, params.step, (s) => {
        const at = atOf(event);
        const terminal = params.status === 'completed' || params.status === 'failed' || params.status === 'skipped';
        const opening = params.status === 'in_progress' || params.status === 'action_required';
        return {
          status: params.status,
          startedAt: opening ? (s.startedAt ?? at) : terminal ? (s.startedAt ?? at) : s.startedAt,
          completedAt: terminal ? at : null,
          ...(params.status === 'failed' ? {} : { errorMessage: null }),
        };
      }),
    })),
    /** Reset a step row to pending (step 2 re-run invalidates step 3). */
    resetStep: assign(({ context }, params: { step: StepNumber }) => ({
      steps: patchStep(context.steps, params.step, () => ({
        status: 'pending',
        startedAt: null,
        completedAt: null,
        resultData: {},
        errorMessage: null,
        errorDetails: null,
      })),
    })),
    stepResult: assign(({ context }, params: { step: StepNumber; resultData: Record<string, unknown> }) => ({
      steps: patchStep(context.steps, params.step, (s) => ({ resultData: { ...s.resultData, ...params.resultData } })),
    })),
    stepResultFromTask: assign(({ context }, params: { step: StepNumber; task: string }) => {
      const output = taskOf(context, params.task).output;
      const data = typeof output === 'object' && output !== null && !Array.isArray(output) ? (output as Record<string, unknown>) : { output };
      return { steps: patchStep(context.steps, params.step, (s) => ({ resultData: { ...s.resultData, ...data } })) };
    }),
    enterStep: assign(({ context, event }, params: { step: StepNumber }) => ({
      currentStep: params.step,
      steps: patchStep(context.steps, params.step, (s) => ({
        status: 'in_progress',
        startedAt: s.startedAt ?? atOf(event),
        completedAt: null,
        errorMessage: null,
      })),
    })),
    /** A step failed because of `task`: the step row and the job carry the task's last error. */
    failStep: assign(({ context, event }, params: { step: StepNumber; task: string }) => {
      const error = taskOf(context, params.task).error;
      const message = errorMessageOf(error);
      const details = { step: params.step, task: params.task, attempts: taskOf(context, params.task).attempt, error };
      return {
        steps: patchStep(context.steps, params.step, () => ({
          status: 'failed',
          completedAt: atOf(event),
          errorMessage: message,
          errorDetails: details,
        })),
        errorMessage: message,
        errorDetails: details,
        completedAt: atOf(event),
      };
    }),
    jobReopened: assign(() => ({ errorMessage: null, completedAt: null })),

    // ---- job: start, end ----
    jobStarted: assign(({ event }) => ({ startedAt: atOf(event), currentStep: 1 as StepNumber })),
    completeJob: assign(({ context, event }) => ({
      completedAt: atOf(event),
      errorMessage: null,
      steps: patchStep(context.steps, 6, (s) => ({ status: 'completed', completedAt: atOf(event), startedAt: s.startedAt ?? atOf(event) })),
    })),
    cancelJob: assign(({ context, event }) => {
      const at = atOf(event);
      let steps = context.steps;
      for (const n of STEP_NUMBERS) {
        const s = steps[n];
        if (s.status === 'in_progress' || s.status === 'retrying' || s.status === 'action_required') {
          steps = patchStep(steps, n, () => ({ status: 'skipped', completedAt: at, resultData: { ...s.resultData, cancelled: true } }));
        }
      }
      let tasks = context.tasks;
      for (const record of Object.values(tasks)) {
        if (record.status === 'running' || record.status === 'retrying' || (record.status === 'pending' && SUB_STEP_KEYS.includes(record.task as SubStepKey) && context.currentStep === 6)) {
          tasks = patchTask(tasks, record.task, () => ({ status: 'skipped', skipKind: 'manual', reason: 'Job cancelled', completedAt: at, timerId: null, delayMs: null }));
        }
      }
      const reason = event.type === 'job.cancel' && event.reason ? event.reason : null;
      return { steps, tasks, completedAt: at, cancelReason: reason };
    }),

    // ---- inbox: decisions that arrived before their step ----
    keepCompanyDecision: assign(({ event }) =>
      event.type === 'company.selected' || event.type === 'company.noMatch' || event.type === 'company.manualEntry'
        ? { inbox: { company: event, config: null } }
        : {},
    ),
    keepConfig: assign(({ context, event }) =>
      event.type === 'config.submitted'
        ? { inbox: { ...context.inbox, config: { config: event.config, at: atOf(event), by: event.by ?? null } } }
        : {},
    ),

    // ---- step 2: search ----
    beginSearch: assign(({ context, event }) => {
      const base = context.search.queries ?? buildSearchQueries(context.restaurant);
      const edit = event.type === 'search.retry' ? (event.query ?? {}) : {};
      const queries: SearchQueries = { ...base, ...definedOnly(edit), original_values: base.original_values };
      let tasks = context.tasks;
      for (const task of TASKS_OF_STEP[2]) {
        tasks = patchTask(tasks, task, () => ({ status: 'pending', retryCount: 0, startedAt: null, completedAt: null, error: null, output: null }));
      }
      let steps = patchStep(context.steps, 3, () => newStepRecord());
      steps = patchStep(steps, 2, (s) => ({ resultData: {}, errorMessage: null, errorDetails: null, startedAt: s.startedAt ?? atOf(event) }));
      return {
        tasks,
        steps,
        search: {
          ...context.search,
          status: 'searching' as const,
          queries,
          nameResults: [],
          addressResults: [],
          candidates: [],
          selectedAt: null,
          selectedCompanyNumber: null,
          selectedCompanyData: null,
          manualEntry: null,
        },
      };
    }),
    collectSearchResults: assign(({ context, event }) => {
      const nameResults = resultsOf(taskOf(context, STEP_TASKS.searchByName).output);
      const addressResults = resultsOf(taskOf(context, STEP_TASKS.searchByAddress).output);
      const candidates = scoreCandidates(context.restaurant, mergeSearchResults(nameResults, addressResults));
      return {
        search: {
          ...context.search,
          nameResults,
          addressResults,
          candidates,
          searchedAt: atOf(event),
          status: candidates.length > 0 ? ('awaiting_selection' as const) : ('no_match' as const),
        },
        steps: patchStep(context.steps, 2, (s) => ({
          resultData: { ...s.resultData, name_count: nameResults.length, address_count: addressResults.length, candidate_count: candidates.length },
        })),
      };
    }),
    searchFailed: assign(({ context }) => ({ search: { ...context.search, status: 'failed' as const } })),

    // ---- step 3: the company decision (from the event, the inbox or the auto policy) ----
    selectCompany: assign(({ context, event }, params: { source: DecisionSource }) => {
      const decision = decisionOf(context, event, params.source);
      const number =
        decision?.type === 'company.selected'
          ? decision.companyNumber
          : params.source === 'auto'
            ? (confident(context.search.candidates)?.company_number ?? null)
            : null;
      const candidate = context.search.candidates.find((c) => c.company_number === number) ?? null;
      const at = decision?.at ?? atOf(event);
      return {
        inbox: { ...context.inbox, company: null },
        search: {
          ...context.search,
          status: 'selected' as const,
          selectedCompanyNumber: number,
          selectedCompanyData: candidate ? { ...candidate } : null,
          selectedAt: at,
        },
        steps: patchStep(context.steps, 3, (s) => ({
          status: 'completed',
          startedAt: s.startedAt ?? at,
          completedAt: at,
          resultData: {
            ...s.resultData,
            company_number: number,
            no_match: false,
            decided_by: params.source === 'auto' ? 'auto-policy' : (decision?.by ?? null),
            ...(params.source === 'auto' && candidate ? { auto_selected: true, score: candidate.score, evidence: candidate.evidence } : {}),
          },
        })),
      };
    }),
    rejectSelection: assign(({ context, event }, params: { source: DecisionSource }) => {
      const decision = decisionOf(context, event, params.source);
      if (decision?.type !== 'company.selected') return {};
      const rejected: RejectedSelection = {
        company_number: decision.companyNumber,
        at: decision.at ?? atOf(event),
        by: decision.by ?? null,
        reason: 'not among the candidates',
      };
      const rejectedSelections = [...context.search.rejectedSelections, rejected];
      return {
        inbox: params.source === 'inbox' ? { ...context.inbox, company: null } : context.inbox,
        search: { ...context.search, rejectedSelections },
        steps: patchStep(context.steps, 3, (s) => ({ resultData: { ...s.resultData, rejected_selections: rejectedSelections } })),
      };
    }),
    noMatch: assign(({ context, event }, params: { source: DecisionSource; from: 2 | 3 }) => {
      const decision = decisionOf(context, event, params.source);
      const at = decision?.at ?? atOf(event);
      let steps = context.steps;
      if (params.from === 2) {
        steps = patchStep(steps, 2, (s) => ({ status: 'completed', completedAt: at, resultData: { ...s.resultData, no_match: true } }));
        steps = patchStep(steps, 3, () => ({ status: 'skipped', startedAt: at, completedAt: at, resultData: { company_number: null, no_match: true } }));
      } else {
        steps = patchStep(steps, 3, (s) => ({
          status: 'completed',
          completedAt: at,
          resultData: { ...s.resultData, company_number: null, no_match: true },
        }));
      }
      steps = patchStep(steps, 4, () => ({ status: 'skipped', startedAt: at, completedAt: at, resultData: { reason: 'No company selected' } }));
      return {
        steps,
        inbox: { ...context.inbox, company: null },
        search: { ...context.search, status: 'no_match' as const, selectedAt: at, selectedCompanyNumber: null, selectedCompanyData: null },
      };
    }),
    manualEntry: assign(({ context, event }, params: { source: DecisionSource; from: 2 | 3 }) => {
      const decision = decisionOf(context, event, params.source);
      const entry = decision?.type === 'company.manualEntry' ? decision.entry : {};
      const at = decision?.at ?? atOf(event);
      const number = entry.company_number?.trim() ? entry.company_number.trim() : null;
      let steps = context.steps;
      if (params.from === 2) {
        steps = patchStep(steps, 2, (s) => ({ status: 'completed', completedAt: at, resultData: { ...s.resultData, manual_entry: true, skipped_search: true } }));
      }
      steps = patchStep(steps, 3, (s) => ({
        status: 'completed',
        startedAt: s.startedAt ?? at,
        completedAt: at,
        resultData: { ...s.resultData, manual_entry: true, company_number: number },
      }));
      return {
        steps,
        inbox: { ...context.inbox, company: null },
        search: {
          ...context.search,
          status: number ? ('selected' as const) : ('no_match' as const),
          manualEntry: entry,
          selectedAt: at,
          selectedCompanyNumber: number,
          selectedCompanyData: number ? { ...definedOnly(entry), company_number: number, manual_entry: true } : null,
        },
      };
    }),

    // ---- step 4 / 5: company details, configuration ----
    companyDetailsSaved: assign(({ context, event }) => {
      const output = event.type === 'task.succeeded' ? event.output : null;
      // The sealed account password travels beside the details (see accountPasswordRefOf), not as a company fact.
      const company = isCompanyDetails(output) ? withoutPasswordRef(output) : null;
      const number = company?.company_number ?? context.search.selectedCompanyNumber;
      return {
        company,
        search: company && context.search.selectedCompanyNumber ? { ...context.search, selectedCompanyData: { ...company } } : context.search,
        steps: patchStep(context.steps, 4, (s) => ({
          status: 'completed',
          completedAt: atOf(event),
          resultData: {
            ...s.resultData,
            company_details_saved: true,
            company_number: number ?? null,
            ...(context.search.manualEntry ? { manual_entry: true } : {}),
          },
        })),
      };
    }),
    proposeConfig: assign(({ context }) => {
      const proposed =
        context.presetConfig ??
        defaultExecutionConfig(context.restaurant, context.company, {
          accountPasswordRef:
            accountPasswordRefOf(taskOf(context, STEP_TASKS.companyDetails).output) ?? context.accountPasswordRef,
        });
      return {
        proposedConfig: proposed,
        steps: patchStep(context.steps, 5, (s) => ({ resultData: { ...s.resultData, proposed_config: proposed } })),
      };
    }),
    applyConfig: assign(({ context, event }, params: { source: 'event' | 'inbox' | 'defaults' }) => {
      const raw =
        params.source === 'event' && event.type === 'config.submitted'
          ? event.config
          : params.source === 'inbox'
            ? context.inbox.config?.config
            : context.proposedConfig;
      const parsed = parseConfig(raw);
      if (!parsed.ok) return {};
      return {
        executionConfig: parsed.config,
        inbox: { ...context.inbox, config: null },
        steps: patchStep(context.steps, 5, (s) => {
          const { proposed_config: _p, ...rest } = s.resultData;
          return {
            status: 'completed',
            completedAt: atOf(event),
            startedAt: s.startedAt ?? atOf(event),
            resultData: { ...rest, config_applied: true, source: params.source === 'defaults' ? 'auto-policy' : 'submitted' },
          };
        }),
      };
    }),

    // ---- step 6 ----
    failYolo: assign(({ context, event }) => {
      const failed = SUB_STEP_KEYS.filter((key) => taskOf(context, key).status === 'failed');
      const message = failed
        .map((key) => `${key} failed${taskOf(context, key).error ? `: ${errorMessageOf(taskOf(context, key).error)}` : ''}`)
        .join('; ');
      const details = {
        step: 6,
        failed_sub_steps: failed.map((key) => ({ key, attempts: taskOf(context, key).attempt, error: taskOf(context, key).error })),
      };
      return {
        errorMessage: message,
        errorDetails: details,
        completedAt: atOf(event),
        steps: patchStep(context.steps, 6, () => ({ status: 'failed', completedAt: atOf(event), errorMessage: message, errorDetails: details })),
      };
    }),
  },
  guards: {
    isCurrentAttempt: ({ context, event }: Ctx, params: { task: string }) => isResultFor(event, context, params.task),
    canRetry: ({ context, event }: Ctx, params: { task: string }) =>
      isResultFor(event, context, params.task) &&
      event.type === 'task.failed' &&
      event.error.retryable !== false &&
      taskOf(context, params.task).retryCount < context.maxRetries,
    isOwnTimer: ({ context, event }: Ctx, params: { task: string }) =>
      event.type === 'timer.fired' && event.id === taskOf(context, params.task).timerId,
    isKey: ({ event }: Ctx, params: { key: SubStepKey }) => keyOf(event) === params.key,
    isKeyWithNeedsMet: ({ context, event }: Ctx, params: { key: SubStepKey }) =>
      keyOf(event) === params.key && needsMet(params.key, planView(context)),
    /** Re-opening an operator's skip is allowed only while nothing that waits for it has started. */
    isManualSkipOf: ({ context, event }: Ctx, params: { key: SubStepKey }) =>
      keyOf(event) === params.key &&
      taskOf(context, params.key).skipKind === 'manual' &&
      dependentsOf(params.key).every((d) => {
        const r = taskOf(context, d);
        return r.status === 'pending' || (r.status === 'skipped' && r.skipKind === 'blocked');
      }),
    isStep: ({ event }: Ctx, params: { step: StepNumber }) => event.type === 'step.retry' && event.step === params.step,
    subNotRunnable: ({ context }: Ctx, params: { key: SubStepKey }) => {
      const kind = readiness(params.key, planView(context), stepsEnabledOf(context.executionConfig)).kind;
      return kind === 'disabled' || kind === 'blocked';
    },
    subCanStart: ({ context }: Ctx, params: { key: SubStepKey }) =>
      canStart(params.key, planView(context), stepsEnabledOf(context.executionConfig)),
    /** A sub-step skipped only because of a blocker that has since been re-opened goes back to pending. */
    subUnblocked: ({ context }: Ctx, params: { key: SubStepKey }) => {
      if (taskOf(context, params.key).skipKind !== 'blocked') return false;
      const kind = readiness(params.key, planView(context), stepsEnabledOf(context.executionConfig)).kind;
      return kind === 'waiting' || kind === 'ready';
    },
    yoloSucceeded: ({ context }: Ctx) => {
      const view = planView(context);
      return isSettled(view) && !hasFailure(view);
    },
    yoloFailed: ({ context }: Ctx) => {
      const view = planView(context);
      return isSettled(view) && hasFailure(view);
    },
    yoloReopened: ({ context }: Ctx) => {
      const view = planView(context);
      return !isSettled(view) || !hasFailure(view);
    },

    // ---- job ----
    companyDecisionOpen: ({ context }: Ctx) => context.steps[3].status === 'pending',
    configDecisionOpen: ({ context, event }: Ctx) =>
      context.steps[5].status === 'pending' && event.type === 'config.submitted' && parseConfig(event.config).ok,
    searchesDone: ({ context }: Ctx) => TASKS_OF_STEP[2].every((task) => taskOf(context, task).status === 'succeeded'),
    hasCandidates: ({ context }: Ctx) => context.search.candidates.length > 0,
    selectionIsCandidate: ({ context, event }: Ctx) =>
      event.type === 'company.selected' && context.search.candidates.some((c) => c.company_number === event.companyNumber),
    inboxSelectionIsCandidate: ({ context }: Ctx) => {
      const d = context.inbox.company;
      return d?.type === 'company.selected' && context.search.candidates.some((c) => c.company_number === d.companyNumber);
    },
    inboxSelectionNotCandidate: ({ context }: Ctx) => {
      const d = context.inbox.company;
      return d?.type === 'company.selected' && !context.search.candidates.some((c) => c.company_number === d.companyNumber);
    },
    inboxNoMatch: ({ context }: Ctx) => context.inbox.company?.type === 'company.noMatch',
    inboxManualEntry: ({ context }: Ctx) => context.inbox.company?.type === 'company.manualEntry',
    autoSelectConfident: ({ context }: Ctx) =>
      context.autoPolicies.select === 'confident' && confident(context.search.candidates) !== null,
    configValid: ({ event }: Ctx) => event.type === 'config.submitted' && parseConfig(event.config).ok,
    inboxConfigValid: ({ context }: Ctx) =>
      context.inbox.config !== null && parseConfig(context.inbox.config.config).ok,
    autoConfigDefaults: ({ context }: Ctx) =>
      context.autoPolicies.config === 'defaults' && parseConfig(context.proposedConfig).ok,
  },
});

export type JobSetup = typeof jobSetup;
export type JobStateConfig = Parameters<JobSetup['createStateConfig']>[0];

/** notifyBatch with the job id and the triggering event's timestamp filled in. */
export function notify(
  make: (context: JobContext, event: JobEvent) => Omit<JobToBatchEvent, 'jobId' | 'at'> & Record<string, unknown>,
) {
  return {
    type: 'notifyBatch' as const,
    params: ({ context, event }: Ctx): NotifyBatchParams => ({
      event: stamp({ ...make(context, event), jobId: context.jobId } as JobToBatchEvent, event),
    }),
  };
}
