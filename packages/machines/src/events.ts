// The machines' vocabulary on the wire: every event they accept, every effect they emit, and the task error shape.
// Hosts (the engine, runLocal) speak only these; names follow DESIGN §3.
import type { StepNumber, SubStepKey, TaskKind } from './domain';

/** Stamped by the host on every event it applies; machines take every timestamp from here, never from a clock. */
export interface EventMeta {
  /** ISO-8601 timestamp of the moment the host applied the event. */
  at?: string;
  /** Who sent it (a user id, "system", "auto-policy"); recorded where the machine keeps a decision. */
  by?: string;
}

/** What a task handler reports when an attempt fails. */
export interface TaskError {
  code: string;
  message: string;
  /** false = deterministic failure: the task goes straight to failed without further attempts. */
  retryable: boolean;
  /** A server's Retry-After, in ms; the next attempt waits at least this long. */
  retryAfterMs?: number;
  details?: unknown;
}

// ---- results (shared by job and batch) ----
export interface TaskSucceededEvent extends EventMeta {
  type: 'task.succeeded';
  task: string;
  attempt: number;
  output: unknown;
}
export interface TaskFailedEvent extends EventMeta {
  type: 'task.failed';
  task: string;
  attempt: number;
  error: TaskError;
}
export interface TimerFiredEvent extends EventMeta {
  type: 'timer.fired';
  id: string;
}
export type ResultEvent = TaskSucceededEvent | TaskFailedEvent | TimerFiredEvent;

// ---- job ----
/** The fields of step 2's manual entry; restaurant column names, as the original's skip-with-manual-entry took them. */
export interface ManualCompanyEntry {
  company_number?: string | null;
  company_name?: string | null;
  contact_name?: string | null;
  full_legal_name?: string | null;
  contact_email?: string | null;
  contact_phone?: string | null;
  gst_number?: string | null;
  nzbn?: string | null;
}

/** Fields an operator may edit before re-running step 2 (the seed's search_queries keys). */
export interface SearchQueryEdit {
  restaurant_name?: string;
  street?: string;
  city?: string;
}

export type JobEvent =
  | ({ type: 'job.start' } & EventMeta)
  | ({ type: 'job.cancel'; reason?: string } & EventMeta)
  | ({ type: 'step.retry'; step: StepNumber } & EventMeta)
  | ({ type: 'search.retry'; query?: SearchQueryEdit } & EventMeta)
  | ({ type: 'substep.retry'; key: SubStepKey } & EventMeta)
  | ({ type: 'substep.skip'; key: SubStepKey; reason?: string } & EventMeta)
  | ({ type: 'substep.markDone'; key: SubStepKey; output?: unknown } & EventMeta)
  | ({ type: 'company.selected'; companyNumber: string } & EventMeta)
  | ({ type: 'company.noMatch' } & EventMeta)
  | ({ type: 'company.manualEntry'; entry: ManualCompanyEntry } & EventMeta)
  | ({ type: 'config.submitted'; config: unknown } & EventMeta)
  | ResultEvent;

export type HumanDecisionEvent = Extract<
  JobEvent,
  { type: 'company.selected' | 'company.noMatch' | 'company.manualEntry' | 'config.submitted' }
>;
export type CompanyDecisionEvent = Extract<
  JobEvent,
  { type: 'company.selected' | 'company.noMatch' | 'company.manualEntry' }
>;

// ---- job -> batch ----
export type JobOutcome = 'completed' | 'failed' | 'cancelled';
export type JobToBatchEvent =
  | ({ type: 'job.stepChanged'; jobId: string; step: StepNumber } & EventMeta)
  | ({ type: 'job.parked'; jobId: string; step: StepNumber } & EventMeta)
  | ({ type: 'job.finished'; jobId: string; outcome: JobOutcome } & EventMeta)
  | ({ type: 'job.reopened'; jobId: string } & EventMeta);

// ---- batch ----
export type BatchEvent =
  | ({ type: 'batch.start' } & EventMeta)
  | ({ type: 'batch.cancel'; reason?: string } & EventMeta)
  | ({ type: 'batch.pause' } & EventMeta)
  | ({ type: 'batch.resume' } & EventMeta)
  | ({ type: 'batch.addJobs'; jobIds: string[] } & EventMeta)
  | ({ type: 'batch.removeJobs'; jobIds: string[] } & EventMeta)
  | JobToBatchEvent
  | ResultEvent;

export type AnyMachineEvent = JobEvent | BatchEvent;

// ---- effects (named actions with params, read from transition()'s action list) ----
export interface RunTaskParams {
  /** Stable id within the job (or batch): "step2.searchByName", a sub-step key, "deliver.<jobId>.<n>". */
  task: string;
  kind: TaskKind;
  /** 1-based and monotonic per task across every run of it, so (job, task, attempt) is unique: the fencing token. */
  attempt: number;
  input: unknown;
}
export interface CancelTaskParams {
  task: string;
}
export interface ScheduleParams {
  id: string;
  /** The event to apply when the delay is over (a `timer.fired { id }`). */
  event: AnyMachineEvent;
  delayMs: number;
  /** Fraction (0..1) of delayMs the host may add at random; the machine itself stays deterministic. */
  jitter: number;
}
export interface CancelScheduleParams {
  id: string;
}
export interface NotifyBatchParams {
  event: JobToBatchEvent;
}
/** Input of a `deliver` task: the engine applies `event` to job `jobId` in that job's own transaction. */
export interface DeliverInput {
  jobId: string;
  event: JobEvent;
}

export type Effect =
  | { type: 'runTask'; params: RunTaskParams }
  | { type: 'cancelTask'; params: CancelTaskParams }
  | { type: 'schedule'; params: ScheduleParams }
  | { type: 'cancelSchedule'; params: CancelScheduleParams }
  | { type: 'notifyBatch'; params: NotifyBatchParams };

export const EFFECT_TYPES = ['runTask', 'cancelTask', 'schedule', 'cancelSchedule', 'notifyBatch'] as const;

/** Picks the effects out of the action list `transition()` returns (it also lists xstate's own assign etc.). */
export function effectsOf(actions: ReadonlyArray<{ type: string; params?: unknown }>): Effect[] {
  const out: Effect[] = [];
  for (const action of actions) {
    if ((EFFECT_TYPES as readonly string[]).includes(action.type)) {
      out.push({ type: action.type, params: action.params } as Effect);
    }
  }
  return out;
}
