// The job machine's data: its input, its context (task records, step records, search state, inbox) and the pure
// helpers that update them. Shared by jobMachine and the standalone yoloMachine, which run the same setup.
import {
  STEP_NUMBERS,
  SUB_STEP_KEYS,
  type SearchStatus,
  type StepNumber,
  type StepStatus,
  type SubStepKey,
  type TaskKind,
} from './domain';
import type { CompanyDecisionEvent, ManualCompanyEntry, TaskError } from './events';
import type { RestaurantFacts } from './restaurant';
import type { CompanyDetails, RegistryCompany, ScoredCandidate, SearchQueries } from './matching';
import type { ExecutionConfig, ExecutionConfigDraft } from './config/executionConfig';
import type { PlanView, SkipKind, StepsEnabledView, SubStepStatus } from './yoloPlan';

export const DEFAULT_MAX_RETRIES = 3;

/** How the demo and batches answer the two human steps without a person (explicit, never implied). */
export interface AutoPolicies {
  /** confident: step 3 selects the candidate `confident()` picks, if any; never: always ask. */
  select: 'confident' | 'never';
  /** defaults: step 5 submits the derived defaults; never: always ask. */
  config: 'defaults' | 'never';
}
export const NO_AUTO_POLICIES: AutoPolicies = { select: 'never', config: 'never' };

export interface JobInput {
  jobId: string;
  batchId: string;
  organisationId: string;
  restaurant: RestaurantFacts;
  /** A configuration proposed up front (the batch default); step 5 still waits for a person unless autoPolicies.config is 'defaults'. */
  executionConfig?: ExecutionConfig;
  maxRetries?: number;
  autoPolicies?: AutoPolicies;
  /** An account password the host generated and sealed when the job was created: step 5's defaults use it when
   *  step 4 produced none (no company was matched, so company.details never ran). */
  accountPasswordRef?: { secret_ref: string };
}

/** One automatic unit (a step's task or a sub-step). `status` always equals the taskState's current state name. */
export interface TaskRecord {
  task: string;
  kind: TaskKind;
  status: SubStepStatus;
  /** Last attempt number issued; monotonic across operator retries so (task, attempt) stays unique. */
  attempt: number;
  /** Automatic retries in the current run (reset by an operator retry); at most maxRetries. */
  retryCount: number;
  startedAt: string | null;
  completedAt: string | null;
  output: unknown;
  error: TaskError | null;
  timerId: string | null;
  delayMs: number | null;
  skipKind: SkipKind | null;
  reason: string | null;
  manuallyUpdated: boolean;
}

export interface StepRecord {
  status: StepStatus;
  startedAt: string | null;
  completedAt: string | null;
  resultData: Record<string, unknown>;
  errorMessage: string | null;
  errorDetails: Record<string, unknown> | null;
}

export interface RejectedSelection {
  company_number: string;
  at: string | null;
  by: string | null;
  reason: string;
}

export interface SearchState {
  status: SearchStatus;
  /** Null until step 2 first runs. */
  queries: SearchQueries | null;
  nameResults: RegistryCompany[];
  addressResults: RegistryCompany[];
  candidates: ScoredCandidate[];
  searchedAt: string | null;
  selectedAt: string | null;
  selectedCompanyNumber: string | null;
  selectedCompanyData: Record<string, unknown> | null;
  manualEntry: ManualCompanyEntry | null;
  rejectedSelections: RejectedSelection[];
}

export interface JobContext {
  jobId: string;
  batchId: string;
  organisationId: string;
  restaurant: RestaurantFacts;
  maxRetries: number;
  autoPolicies: AutoPolicies;
  /** The host-sealed account password given at creation (see JobInput), if any. */
  accountPasswordRef: { secret_ref: string } | null;
  /** The configuration given up front (a batch default), if any; proposed at step 5 instead of derived defaults. */
  presetConfig: ExecutionConfig | null;
  /** What step 5 proposes: the preset, else defaults derived from the restaurant and the company (may be incomplete). */
  proposedConfig: ExecutionConfigDraft | ExecutionConfig | null;
  /** The submitted, validated configuration step 6 runs with. */
  executionConfig: ExecutionConfig | null;
  tasks: Record<string, TaskRecord>;
  steps: Record<StepNumber, StepRecord>;
  /** Human decisions that arrived before their step opened; applied when it does. */
  inbox: { company: CompanyDecisionEvent | null; config: { config: unknown; at: string | null; by: string | null } | null };
  search: SearchState;
  company: CompanyDetails | null;
  currentStep: StepNumber;
  startedAt: string | null;
  completedAt: string | null;
  errorMessage: string | null;
  errorDetails: Record<string, unknown> | null;
  cancelReason: string | null;
}

/** Task ids of steps 1, 2 and 4 (sub-steps use their key). */
export const STEP_TASKS = {
  extraction: 'step1.extraction',
  searchByName: 'step2.searchByName',
  searchByAddress: 'step2.searchByAddress',
  companyDetails: 'step4.companyDetails',
} as const;

export const TASKS_OF_STEP: Readonly<Record<StepNumber, readonly string[]>> = {
  1: [STEP_TASKS.extraction],
  2: [STEP_TASKS.searchByName, STEP_TASKS.searchByAddress],
  3: [],
  4: [STEP_TASKS.companyDetails],
  5: [],
  6: SUB_STEP_KEYS,
};

export function newTaskRecord(task: string, kind: TaskKind): TaskRecord {
  return {
    task,
    kind,
    status: 'pending',
    attempt: 0,
    retryCount: 0,
    startedAt: null,
    completedAt: null,
    output: null,
    error: null,
    timerId: null,
    delayMs: null,
    skipKind: null,
    reason: null,
    manuallyUpdated: false,
  };
}

export function newStepRecord(): StepRecord {
  return { status: 'pending', startedAt: null, completedAt: null, resultData: {}, errorMessage: null, errorDetails: null };
}

export function initialJobContext(input: JobInput): JobContext {
  const tasks: Record<string, TaskRecord> = {
    [STEP_TASKS.extraction]: newTaskRecord(STEP_TASKS.extraction, 'extraction.run'),
    [STEP_TASKS.searchByName]: newTaskRecord(STEP_TASKS.searchByName, 'registry.searchByName'),
    [STEP_TASKS.searchByAddress]: newTaskRecord(STEP_TASKS.searchByAddress, 'registry.searchByAddress'),
    [STEP_TASKS.companyDetails]: newTaskRecord(STEP_TASKS.companyDetails, 'company.details'),
  };
  for (const key of SUB_STEP_KEYS) tasks[key] = newTaskRecord(key, key);
  const steps = Object.fromEntries(STEP_NUMBERS.map((n) => [n, newStepRecord()])) as Record<StepNumber, StepRecord>;
  const maxRetries = input.maxRetries ?? DEFAULT_MAX_RETRIES;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new Error(`job input: maxRetries must be a non-negative integer, got ${String(input.maxRetries)}`);
  }
  return {
    jobId: input.jobId,
    batchId: input.batchId,
    organisationId: input.organisationId,
    restaurant: input.restaurant,
    accountPasswordRef: input.accountPasswordRef ?? null,
    maxRetries,
    autoPolicies: input.autoPolicies ?? NO_AUTO_POLICIES,
    presetConfig: input.executionConfig ?? null,
    proposedConfig: null,
    executionConfig: null,
    tasks,
    steps,
    inbox: { company: null, config: null },
    search: {
      status: 'pending',
      queries: null,
      nameResults: [],
      addressResults: [],
      candidates: [],
      searchedAt: null,
      selectedAt: null,
      selectedCompanyNumber: null,
      selectedCompanyData: null,
      manualEntry: null,
      rejectedSelections: [],
    },
    company: null,
    currentStep: 1,
    startedAt: null,
    completedAt: null,
    errorMessage: null,
    errorDetails: null,
    cancelReason: null,
  };
}

let placeholder: JobContext | undefined;
/**
 * The context of an actor created without input. XState's pure `transition()` constructs an inert actor from the
 * machine (and so runs the context factory without input) on every call; throwing there costs a stack trace per
 * transition, so the factory answers with this shared, empty context instead. A real job always has input.
 */
export function placeholderJobContext(): JobContext {
  placeholder ??= initialJobContext({ jobId: '', batchId: '', organisationId: '', restaurant: { id: '', name: '' } });
  return placeholder;
}

// ---- pure updaters ----

export function patchTask(
  tasks: Record<string, TaskRecord>,
  task: string,
  patch: (record: TaskRecord) => Partial<TaskRecord>,
): Record<string, TaskRecord> {
  const record = tasks[task];
  if (!record) throw new Error(`unknown task id "${task}"`);
  return { ...tasks, [task]: { ...record, ...patch(record) } };
}

export function patchStep(
  steps: Record<StepNumber, StepRecord>,
  step: StepNumber,
  patch: (record: StepRecord) => Partial<StepRecord>,
): Record<StepNumber, StepRecord> {
  return { ...steps, [step]: { ...steps[step], ...patch(steps[step]) } };
}

export function taskOf(context: Pick<JobContext, 'tasks'>, task: string): TaskRecord {
  const record = context.tasks[task];
  if (!record) throw new Error(`unknown task id "${task}"`);
  return record;
}

const planViews = new WeakMap<Record<string, TaskRecord>, PlanView>();

/** The sub-steps as the plan rules read them (memoised per tasks object: every guard of a microstep shares it). */
export function planView(context: Pick<JobContext, 'tasks'>): PlanView {
  const cached = planViews.get(context.tasks);
  if (cached) return cached;
  const view = {} as Record<SubStepKey, { status: SubStepStatus; skipKind: SkipKind | null }>;
  for (const key of SUB_STEP_KEYS) {
    const record = taskOf(context, key);
    view[key] = { status: record.status, skipKind: record.skipKind };
  }
  planViews.set(context.tasks, view);
  return view;
}

export function stepsEnabledOf(config: ExecutionConfig | ExecutionConfigDraft | null): StepsEnabledView {
  const value = (config as { steps_enabled?: unknown } | null)?.steps_enabled;
  return value && typeof value === 'object' ? (value as StepsEnabledView) : {};
}

// ---- backoff ----
export const RETRY_BASE_MS = 2_000;
export const RETRY_MAX_MS = 5 * 60_000;
export const RETRY_JITTER = 0.2;

/** Deterministic exponential backoff for the n-th retry (1-based), never sooner than a server's Retry-After. */
export function retryDelayMs(retry: number, retryAfterMs?: number): number {
  const exponential = Math.min(RETRY_BASE_MS * 2 ** Math.max(0, retry - 1), RETRY_MAX_MS);
  return Math.max(exponential, retryAfterMs ?? 0);
}

export function durationMs(startedAt: string | null, completedAt: string | null): number | null {
  if (!startedAt || !completedAt) return null;
  const ms = Date.parse(completedAt) - Date.parse(startedAt);
  return Number.isFinite(ms) ? Math.max(0, Math.round(ms)) : null;
}
