// Snapshot -> rows: the exact column values of registration_jobs, its six registration_job_steps, the restaurant's
// companies_office_search_candidates row and registration_batch_jobs. Pure; column names as in the seed's SQL.
import type { AnyMachineSnapshot } from 'xstate';
import {
  PHASE_KEYS,
  STEPS,
  type BatchStatus,
  type ExecutionMode,
  type JobStatus,
  type PhaseKey,
  type SearchStatus,
  type StepNumber,
  type StepStatus,
  type StepType,
  type SubStepKey,
} from './domain';
import type { BatchContext } from './batchMachine';
import { batchCounters } from './batchMachine';
import { TASKS_OF_STEP, durationMs, taskOf, type JobContext, type TaskRecord } from './jobContext';
import { errorMessageOf } from './jobSetup';
import {
  PHASES,
  SUB_STEPS_BY_PHASE,
  YOLO_PLAN,
  calculatePhaseStatus,
  currentPhase,
  seedSubStepStatus,
  type PhaseStatus,
  type SeedSubStepStatus,
} from './yoloPlan';

type Json = Record<string, unknown>;

export interface JobRowValues {
  id: string;
  batch_job_id: string;
  restaurant_id: string;
  organisation_id: string;
  status: JobStatus;
  current_step: StepNumber;
  total_steps: 6;
  execution_config: Json;
  /** Our pumpd_accounts row (uuid), from a sub-step output's `pumpdAccountId`. */
  pumpd_user_id: string | null;
  /** Our pumpd_restaurants row (uuid), from a sub-step output's `pumpdRestaurantId`. */
  pumpd_restaurant_id: string | null;
  /** The platform's own ids and links (RES…, subdomain, URLs, Stripe link), merged from sub-step outputs' `executionResults`. */
  execution_results: Json;
  error_message: string | null;
  last_error_details: Json | null;
  started_at: string | null;
  completed_at: string | null;
}

export interface SubStepProgressEntry {
  status: SeedSubStepStatus;
  started_at?: string;
  completed_at?: string;
  duration_ms?: number;
  attempts?: number;
  error?: string;
  reason?: string;
  manually_updated?: boolean;
}

export interface SubStepProgress {
  current_phase: PhaseKey | 'completed';
  phases: Record<PhaseKey, { status: PhaseStatus; description: string; sub_steps: Partial<Record<SubStepKey, SubStepProgressEntry>> }>;
}

export interface StepRowValues {
  job_id: string;
  step_number: StepNumber;
  step_name: string;
  step_description: string;
  step_type: StepType;
  status: StepStatus;
  sub_step_progress: SubStepProgress | Json;
  started_at: string | null;
  completed_at: string | null;
  duration_ms: number | null;
  error_message: string | null;
  error_details: Json | null;
  retry_count: number;
  max_retries: number;
  result_data: Json;
}

export interface SearchCandidateRowValues {
  restaurant_id: string;
  registration_job_id: string;
  search_queries: Json;
  name_results: Json[];
  address_results: Json[];
  combined_results: Json[];
  candidate_count: number;
  selected_company_number: string | null;
  selected_company_data: Json | null;
  status: SearchStatus;
  searched_at: string | null;
  selected_at: string | null;
}

export interface JobProjection {
  job: JobRowValues;
  steps: StepRowValues[];
  searchCandidates: SearchCandidateRowValues | null;
}

export interface BatchRowValues {
  id: string;
  name: string;
  organisation_id: string;
  status: BatchStatus;
  execution_mode: ExecutionMode;
  total_restaurants: number;
  completed_restaurants: number;
  failed_restaurants: number;
  current_step: StepNumber;
  total_steps: 6;
  started_at: string | null;
  completed_at: string | null;
  cancelled_at: string | null;
  /** The creation metadata plus `paused_at` while the batch is paused. */
  metadata: Json;
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function jobStatusOf(snapshot: AnyMachineSnapshot): JobStatus {
  const value = snapshot.value;
  if (value === 'pending') return 'pending';
  if (value === 'completed') return 'completed';
  if (value === 'cancelled') return 'cancelled';
  if (snapshot.hasTag('job_failed')) return 'failed';
  return 'in_progress';
}

function stepStatus(context: JobContext, step: StepNumber): StepStatus {
  const status = context.steps[step].status;
  if (status === 'in_progress' && step !== 6 && TASKS_OF_STEP[step].some((t) => taskOf(context, t).status === 'retrying')) {
    return 'retrying';
  }
  return status;
}

function stepRetryCount(context: JobContext, step: StepNumber): number {
  return TASKS_OF_STEP[step].reduce((max, t) => Math.max(max, taskOf(context, t).retryCount), 0);
}

function subStepEntry(record: TaskRecord): SubStepProgressEntry {
  const entry: SubStepProgressEntry = { status: seedSubStepStatus(record.status) };
  if (record.startedAt && record.status !== 'pending') entry.started_at = record.startedAt;
  const finished = record.status === 'succeeded' || record.status === 'failed' || record.status === 'skipped';
  if (finished && record.completedAt) entry.completed_at = record.completedAt;
  const duration = finished ? durationMs(record.startedAt, record.completedAt) : null;
  if (duration !== null && record.status !== 'skipped') entry.duration_ms = duration;
  if (record.attempt > 0) entry.attempts = record.attempt;
  if ((record.status === 'failed' || record.status === 'retrying') && record.error) entry.error = errorMessageOf(record.error) ?? '';
  if (record.status === 'skipped' && record.reason) entry.reason = record.reason;
  if (record.manuallyUpdated) entry.manually_updated = true;
  return entry;
}

/** Step 6's sub_step_progress in the seed's JSON shape, phase status as the original's calculatePhaseStatus. */
export function subStepProgress(context: JobContext): SubStepProgress {
  const phases = {} as SubStepProgress['phases'];
  const statuses = {} as Record<PhaseKey, PhaseStatus>;
  for (const phase of PHASE_KEYS) {
    const subSteps: Partial<Record<SubStepKey, SubStepProgressEntry>> = {};
    for (const key of SUB_STEPS_BY_PHASE[phase]) subSteps[key] = subStepEntry(taskOf(context, key));
    const status = calculatePhaseStatus(Object.values(subSteps).map((e) => (e as SubStepProgressEntry).status));
    statuses[phase] = status;
    phases[phase] = { status, description: PHASES[phase].description, sub_steps: subSteps };
  }
  return { current_phase: currentPhase(statuses), phases };
}

/** execution_results and our row ids, read from the outputs of succeeded sub-steps in plan order. */
export function pumpdResults(context: JobContext): { pumpd_user_id: string | null; pumpd_restaurant_id: string | null; execution_results: Json } {
  let pumpdUserId: string | null = null;
  let pumpdRestaurantId: string | null = null;
  const results: Json = {};
  for (const { key } of YOLO_PLAN) {
    const record = taskOf(context, key);
    if (record.status !== 'succeeded' || !isRecord(record.output)) continue;
    const out = record.output;
    if (typeof out.pumpdAccountId === 'string') pumpdUserId = out.pumpdAccountId;
    if (typeof out.pumpdRestaurantId === 'string') pumpdRestaurantId = out.pumpdRestaurantId;
    if (isRecord(out.executionResults)) Object.assign(results, out.executionResults);
  }
  return { pumpd_user_id: pumpdUserId, pumpd_restaurant_id: pumpdRestaurantId, execution_results: results };
}

function tagged(results: readonly object[], source: 'name' | 'address'): Json[] {
  return results.map((r) => ({ ...(r as Json), match_source: source }));
}

export function projectJob(snapshot: AnyMachineSnapshot): JobProjection {
  const context = snapshot.context as JobContext;
  const status = jobStatusOf(snapshot);
  const pumpd = pumpdResults(context);
  const job: JobRowValues = {
    id: context.jobId,
    batch_job_id: context.batchId,
    restaurant_id: context.restaurant.id,
    organisation_id: context.organisationId,
    status,
    current_step: context.currentStep,
    total_steps: 6,
    execution_config: (context.executionConfig ?? context.presetConfig ?? {}) as Json,
    ...pumpd,
    error_message: status === 'failed' ? context.errorMessage : null,
    last_error_details: context.errorDetails,
    started_at: context.startedAt,
    completed_at: status === 'completed' || status === 'failed' || status === 'cancelled' ? context.completedAt : null,
  };
  const steps: StepRowValues[] = STEPS.map((def) => {
    const record = context.steps[def.number];
    const stepStatusValue = stepStatus(context, def.number);
    const terminal = stepStatusValue === 'completed' || stepStatusValue === 'failed' || stepStatusValue === 'skipped';
    return {
      job_id: context.jobId,
      step_number: def.number,
      step_name: def.name,
      step_description: def.description,
      step_type: def.type,
      status: stepStatusValue,
      sub_step_progress: def.number === 6 ? subStepProgress(context) : {},
      started_at: record.startedAt,
      completed_at: terminal ? record.completedAt : null,
      duration_ms: terminal ? durationMs(record.startedAt, record.completedAt) : null,
      error_message: stepStatusValue === 'failed' ? record.errorMessage : null,
      error_details: record.errorDetails,
      retry_count: stepRetryCount(context, def.number),
      max_retries: context.maxRetries,
      result_data: record.resultData,
    };
  });
  const search = context.search;
  const searchCandidates: SearchCandidateRowValues | null = search.queries
    ? {
        restaurant_id: context.restaurant.id,
        registration_job_id: context.jobId,
        search_queries: search.queries as unknown as Json,
        name_results: tagged(search.nameResults, 'name'),
        address_results: tagged(search.addressResults, 'address'),
        combined_results: search.candidates as unknown as Json[],
        candidate_count: search.candidates.length,
        selected_company_number: search.selectedCompanyNumber,
        selected_company_data: search.selectedCompanyData,
        status: search.status,
        searched_at: search.searchedAt,
        selected_at: search.selectedAt,
      }
    : null;
  return { job, steps, searchCandidates };
}

export function batchStatusOf(snapshot: AnyMachineSnapshot): BatchStatus {
  const value = String(snapshot.value);
  if (value === 'created') return (snapshot.context as BatchContext).createdAsDraft ? 'draft' : 'pending';
  return value as BatchStatus;
}

export function projectBatch(snapshot: AnyMachineSnapshot): BatchRowValues {
  const context = snapshot.context as BatchContext;
  const counters = batchCounters(context);
  const status = batchStatusOf(snapshot);
  const metadata: Json = { ...context.metadata };
  if (context.pausedAt) metadata.paused_at = context.pausedAt;
  return {
    id: context.batchId,
    name: context.name,
    organisation_id: context.organisationId,
    status,
    execution_mode: context.mode,
    total_restaurants: counters.total,
    completed_restaurants: counters.completed,
    failed_restaurants: counters.failed,
    current_step: context.currentStep,
    total_steps: 6,
    started_at: context.startedAt,
    completed_at: status === 'completed' || status === 'failed' ? context.completedAt : null,
    cancelled_at: context.cancelledAt,
    metadata,
  };
}

/** The seed's CHECK lists and ranges, as predicates (tests assert every projected row against them). */
export function seedCheckViolations(projection: JobProjection | { batch: BatchRowValues }): string[] {
  const problems: string[] = [];
  const inList = (what: string, value: unknown, list: readonly string[]) => {
    if (!list.includes(value as string)) problems.push(`${what}=${JSON.stringify(value)} not in (${list.join(', ')})`);
  };
  if ('batch' in projection) {
    const b = projection.batch;
    inList('registration_batch_jobs.status', b.status, ['draft', 'pending', 'in_progress', 'completed', 'failed', 'cancelled']);
    inList('registration_batch_jobs.execution_mode', b.execution_mode, ['sequential', 'parallel']);
    return problems;
  }
  inList('registration_jobs.status', projection.job.status, ['pending', 'in_progress', 'completed', 'failed', 'cancelled', 'skipped']);
  for (const step of projection.steps) {
    inList('registration_job_steps.status', step.status, ['pending', 'in_progress', 'action_required', 'completed', 'failed', 'skipped', 'retrying']);
    inList('registration_job_steps.step_type', step.step_type, ['automatic', 'action_required']);
    if (!(step.step_number >= 1 && step.step_number <= 6)) problems.push(`step_number ${step.step_number} out of range`);
    if (step.duration_ms !== null && (!Number.isInteger(step.duration_ms) || step.duration_ms < 0 || step.duration_ms > 2_147_483_647)) {
      problems.push(`duration_ms ${step.duration_ms} is not an INTEGER >= 0`);
    }
  }
  if (projection.searchCandidates) {
    inList('companies_office_search_candidates.status', projection.searchCandidates.status, [
      'pending',
      'searching',
      'awaiting_selection',
      'selected',
      'no_match',
      'failed',
    ]);
  }
  return problems;
}
