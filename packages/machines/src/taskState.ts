// taskState(): the one shape of every automatic unit (steps 1, 2, 4 and the twelve sub-steps):
// pending -> running -> succeeded | retrying -> running | failed | skipped, with fencing and deterministic backoff.
import { enqueueActions } from 'xstate';
import type { TaskKind } from './domain';
import type { JobEvent } from './events';
import { type JobContext, RETRY_JITTER, taskOf } from './jobContext';
import { jobSetup, type JobStateConfig } from './jobSetup';

export const TASK_STATE_NAMES = ['pending', 'running', 'retrying', 'succeeded', 'failed', 'skipped'] as const;
export type TaskStateName = (typeof TASK_STATE_NAMES)[number];

/** A transition taken on the task's own result. Targets are relative to the task's compound state unless they start with '#'. */
export interface TaskOutcome {
  target?: string;
  actions?: readonly unknown[];
}

export interface TaskSpec {
  /** Stable task id within the job: the runTask `task` param and the task record key. */
  task: string;
  kind: TaskKind;
  /** Builds the runTask input from the context at the moment an attempt starts. */
  input: (context: JobContext) => unknown;
  description?: string;
  initial?: 'pending' | 'running';
  /** Where the task's own success goes (default: the local `succeeded` state). */
  onSucceeded?: TaskOutcome;
  /** Where the task's final failure goes (default: the local `failed` state). */
  onFailed?: TaskOutcome;
  /** Extra config per substate; `on` maps are merged, entry/exit/always appended. */
  states?: Partial<Record<TaskStateName, JobStateConfig>>;
}

type Transitions = Record<string, unknown>;
/** The slice of enqueueActions' `enqueue` used here (named effect actions with params). */
type Enqueue = (action: { type: 'cancelTask' | 'cancelSchedule'; params: Record<string, string> }) => void;

function merge(base: Record<string, unknown>, extra: JobStateConfig | undefined): JobStateConfig {
  if (!extra) return base as JobStateConfig;
  const out: Record<string, unknown> = { ...base, ...extra };
  out.on = { ...((base.on as Transitions) ?? {}), ...((extra.on as Transitions) ?? {}) };
  for (const key of ['entry', 'exit', 'always', 'tags'] as const) {
    const a = base[key];
    const b = (extra as Record<string, unknown>)[key];
    if (a !== undefined || b !== undefined) out[key] = [...toArray(a), ...toArray(b)];
  }
  return out as JobStateConfig;
}

function toArray(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function isOwnResult(context: JobContext, event: JobEvent, task: string): boolean {
  return (
    (event.type === 'task.succeeded' || event.type === 'task.failed') &&
    event.task === task &&
    event.attempt === taskOf(context, task).attempt
  );
}

/**
 * Builds the compound state of one task. Entering `running` records a new attempt and emits `runTask`; leaving it for
 * any reason but its own result emits `cancelTask`. A retryable failure within the budget waits in `retrying` on a
 * `schedule` effect whose delay is deterministic (the host adds `jitter`); anything else goes to failed.
 */
export function taskState(spec: TaskSpec): JobStateConfig {
  const { task, kind } = spec;
  const successActions = [{ type: 'recordSuccess', params: { task } }, ...(spec.onSucceeded?.actions ?? [])];
  const failureActions = [{ type: 'recordFailure', params: { task } }, ...(spec.onFailed?.actions ?? [])];
  const states: Record<TaskStateName, JobStateConfig> = {
    pending: merge({ description: `${task} waits to start` }, spec.states?.pending),
    running: merge(
      {
        description: `${task}: an attempt of ${kind} is running`,
        tags: ['task_running'],
        entry: [
          { type: 'beginAttempt', params: { task } },
          {
            type: 'runTask',
            params: ({ context }: { context: JobContext }) => ({
              task,
              kind,
              attempt: taskOf(context, task).attempt,
              input: spec.input(context),
            }),
          },
        ],
        exit: enqueueActions(({ context, event, enqueue }: { context: JobContext; event: JobEvent; enqueue: Enqueue }) => {
          if (!isOwnResult(context, event, task)) enqueue({ type: 'cancelTask', params: { task } });
        }),
        on: {
          'task.succeeded': {
            guard: { type: 'isCurrentAttempt', params: { task } },
            target: spec.onSucceeded?.target ?? 'succeeded',
            actions: successActions,
          },
          'task.failed': [
            { guard: { type: 'canRetry', params: { task } }, target: 'retrying', actions: [{ type: 'recordRetry', params: { task } }] },
            {
              guard: { type: 'isCurrentAttempt', params: { task } },
              target: spec.onFailed?.target ?? 'failed',
              actions: failureActions,
            },
          ],
        },
      },
      spec.states?.running,
    ),
    retrying: merge(
      {
        description: `${task} waits for its next attempt (exponential backoff)`,
        tags: ['task_running'],
        entry: [
          {
            type: 'schedule',
            params: ({ context }: { context: JobContext }) => {
              const record = taskOf(context, task);
              const id = record.timerId ?? `${task}#retry`;
              return { id, event: { type: 'timer.fired', id }, delayMs: record.delayMs ?? 0, jitter: RETRY_JITTER };
            },
          },
        ],
        exit: enqueueActions(({ context, event, enqueue }: { context: JobContext; event: JobEvent; enqueue: Enqueue }) => {
          const id = taskOf(context, task).timerId;
          if (!(event.type === 'timer.fired' && event.id === id) && id) enqueue({ type: 'cancelSchedule', params: { id } });
        }),
        on: {
          'timer.fired': { guard: { type: 'isOwnTimer', params: { task } }, target: 'running' },
        },
      },
      spec.states?.retrying,
    ),
    succeeded: merge({ description: `${task} succeeded` }, spec.states?.succeeded),
    failed: merge({ description: `${task} failed after its attempts` }, spec.states?.failed),
    skipped: merge({ description: `${task} was skipped` }, spec.states?.skipped),
  };
  return jobSetup.createStateConfig({
    ...(spec.description ? { description: spec.description } : {}),
    initial: spec.initial ?? 'running',
    states: states as Record<string, JobStateConfig>,
  } as JobStateConfig);
}
