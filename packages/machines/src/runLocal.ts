// runLocal(): runs a job or a batch in memory with one handler per task kind and real timers, for embedding and tests.
// The only file of this package with timers and a clock: it is the host that executes the machines' effects.
import { createActor, type AnyActorRef, type AnyMachineSnapshot, type AnyStateMachine, type InspectionEvent, type Observer } from 'xstate';
import { checkEvent, MachineEventRejected } from './checkEvent';
import type { TaskKind } from './domain';
import type {
  AnyMachineEvent,
  CancelScheduleParams,
  CancelTaskParams,
  DeliverInput,
  JobEvent,
  NotifyBatchParams,
  RunTaskParams,
  ScheduleParams,
  TaskError,
} from './events';
import type { JobInput } from './jobContext';
import { jobMachine } from './jobMachine';

export interface TaskHandlerContext {
  task: string;
  kind: TaskKind;
  attempt: number;
  /** Aborted when the machine cancels the task (cancel, skip, a sibling's failure) or the run stops. */
  signal: AbortSignal;
}

/** Resolves with the task's output; rejects to fail the attempt (see toTaskError for how errors are read). */
export type TaskHandler = (input: unknown, ctx: TaskHandlerContext) => Promise<unknown> | unknown;
export type TaskHandlers = Partial<Record<Exclude<TaskKind, 'deliver'>, TaskHandler>>;

export interface RunLocalOptions {
  input: unknown;
  /** An inspector, e.g. `createBrowserInspector().inspect` from @statelyai/inspect; fed by every actor of the run. */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** For a batch: each job's input, by job id (the batch's deliver tasks start them). */
  jobs?: Record<string, JobInput>;
  /** Multiplies every scheduled delay (retry backoff), e.g. 0.001 in tests; 1 by default. */
  delayScale?: number;
  /** Source of the jitter fraction; Math.random by default. */
  random?: () => number;
  /** Called with every job -> batch report (for a job run on its own, these go nowhere else). */
  onNotify?: (event: NotifyBatchParams['event']) => void;
  /** Called when a handler has no implementation for a kind; default: the attempt fails, not retryable. */
  onMissingHandler?: (params: RunTaskParams) => void;
}

export interface LocalRun {
  /** The root actor (job or batch). */
  actor: AnyActorRef;
  /** Job actors of a batch run, by job id, once started. */
  jobs: Map<string, AnyActorRef>;
  /** Checks the event (MachineEventRejected when refused), stamps `at`, and sends it to the root actor. */
  send(event: AnyMachineEvent): void;
  /** Sends an event to one job of a batch run. */
  sendToJob(jobId: string, event: JobEvent): void;
  snapshot(): AnyMachineSnapshot;
  /** Resolves when nothing is in flight (no task running, no timer pending): finished, failed, or waiting for a person. */
  settled(timeoutMs?: number): Promise<AnyMachineSnapshot>;
  stop(): void;
}

/** Reads a thrown value as a TaskError: `code`, `message`, `retryable` (default true), `retryAfterMs`. */
export function toTaskError(error: unknown): TaskError {
  if (typeof error === 'object' && error !== null) {
    const e = error as { code?: unknown; message?: unknown; retryable?: unknown; retryAfterMs?: unknown };
    return {
      code: typeof e.code === 'string' ? e.code : 'HANDLER_ERROR',
      message: typeof e.message === 'string' ? e.message : String(error),
      retryable: e.retryable !== false,
      ...(typeof e.retryAfterMs === 'number' ? { retryAfterMs: e.retryAfterMs } : {}),
    };
  }
  return { code: 'HANDLER_ERROR', message: String(error), retryable: true };
}

function nowIso(): string {
  return new Date().toISOString();
}

export function runLocal(machine: AnyStateMachine, handlers: TaskHandlers, options: RunLocalOptions): LocalRun {
  const delayScale = options.delayScale ?? 1;
  const random = options.random ?? Math.random;
  let inFlight = 0;
  let stopped = false;
  const idleWaiters = new Set<() => void>();
  const controllers = new Map<string, AbortController>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const jobs = new Map<string, AnyActorRef>();
  const inspect = options.inspect;

  const checkIdle = () => {
    if (inFlight === 0) for (const wake of [...idleWaiters]) wake();
  };
  const begin = () => {
    inFlight++;
  };
  const end = () => {
    inFlight--;
    queueMicrotask(checkIdle);
  };

  // Every event the run applies goes through checkEvent first, as the engine does; refused results are dropped.
  const deliver = (actor: AnyActorRef, logic: AnyStateMachine, event: AnyMachineEvent, throwOnReject: boolean) => {
    if (stopped) return;
    const stamped = { ...event, at: nowIso() } as AnyMachineEvent;
    const verdict = checkEvent(logic, actor.getSnapshot() as AnyMachineSnapshot, stamped);
    if (!verdict.ok) {
      if (throwOnReject) throw new MachineEventRejected(verdict.code, verdict.message, verdict.details);
      return;
    }
    actor.send(stamped);
  };

  const effects = (owner: () => { actor: AnyActorRef; logic: AnyStateMachine; scope: string }) => ({
    runTask: (_: unknown, params: RunTaskParams) => {
      const key = `${owner().scope}/${params.task}`;
      controllers.get(key)?.abort();
      const controller = new AbortController();
      controllers.set(key, controller);
      begin();
      const { actor, logic } = owner();
      void (async () => {
        try {
          let output: unknown;
          if (params.kind === 'deliver') {
            output = await runDeliver(params.input as DeliverInput);
          } else {
            const handler = handlers[params.kind];
            if (!handler) {
              options.onMissingHandler?.(params);
              throw { code: 'NO_HANDLER', message: `no handler for task kind ${params.kind}`, retryable: false };
            }
            output = await handler(params.input, { task: params.task, kind: params.kind, attempt: params.attempt, signal: controller.signal });
          }
          if (!controller.signal.aborted) {
            deliver(actor, logic, { type: 'task.succeeded', task: params.task, attempt: params.attempt, output: output ?? null }, false);
          }
        } catch (error) {
          if (!controller.signal.aborted) {
            deliver(actor, logic, { type: 'task.failed', task: params.task, attempt: params.attempt, error: toTaskError(error) }, false);
          }
        } finally {
          if (controllers.get(key) === controller) controllers.delete(key);
          end();
        }
      })();
    },
    cancelTask: (_: unknown, params: CancelTaskParams) => {
      const key = `${owner().scope}/${params.task}`;
      controllers.get(key)?.abort();
      controllers.delete(key);
    },
    schedule: (_: unknown, params: ScheduleParams) => {
      const key = `${owner().scope}/${params.id}`;
      const previous = timers.get(key);
      if (previous) {
        clearTimeout(previous);
        end();
      }
      const delay = Math.max(0, params.delayMs * (1 + random() * params.jitter) * delayScale);
      const { actor, logic } = owner();
      begin();
      timers.set(
        key,
        setTimeout(() => {
          timers.delete(key);
          try {
            deliver(actor, logic, params.event, false);
          } finally {
            end();
          }
        }, delay),
      );
    },
    cancelSchedule: (_: unknown, params: CancelScheduleParams) => {
      const key = `${owner().scope}/${params.id}`;
      const timer = timers.get(key);
      if (timer) {
        clearTimeout(timer);
        timers.delete(key);
        end();
      }
    },
    notifyBatch: (_: unknown, params: NotifyBatchParams) => {
      options.onNotify?.(params.event);
      if (machine.id !== 'batch') return;
      begin();
      queueMicrotask(() => {
        try {
          deliver(root, machine, params.event, false);
        } finally {
          end();
        }
      });
    },
  });

  const startJob = (jobId: string): AnyActorRef => {
    const existing = jobs.get(jobId);
    if (existing) return existing;
    const input = options.jobs?.[jobId];
    if (!input) throw new Error(`runLocal: no input for job ${jobId} (pass options.jobs)`);
    const logic = jobMachine.provide({ actions: effects(() => ({ actor, logic: jobMachine, scope: jobId })) as never });
    const actor: AnyActorRef = createActor(logic, { input, ...(inspect ? { inspect } : {}) });
    jobs.set(jobId, actor);
    actor.start();
    return actor;
  };

  async function runDeliver(input: DeliverInput): Promise<unknown> {
    await Promise.resolve();
    const actor = jobs.get(input.jobId) ?? (input.event.type === 'job.start' || input.event.type === 'job.cancel' ? startJob(input.jobId) : null);
    if (!actor) throw { code: 'UNKNOWN_JOB', message: `job ${input.jobId} is not part of this run`, retryable: false };
    deliver(actor, jobMachine, input.event, false);
    return { delivered: input.event.type };
  }

  const provided = machine.provide({ actions: effects(() => ({ actor: root, logic: machine, scope: machine.id })) as never });
  const root: AnyActorRef = createActor(provided, { input: options.input as never, ...(inspect ? { inspect } : {}) });
  root.start();

  return {
    actor: root,
    jobs,
    send(event) {
      deliver(root, machine, event, true);
    },
    sendToJob(jobId, event) {
      const actor = jobs.get(jobId);
      if (!actor) throw new Error(`runLocal: job ${jobId} has not started`);
      deliver(actor, jobMachine, event, true);
    },
    snapshot() {
      return root.getSnapshot() as AnyMachineSnapshot;
    },
    settled(timeoutMs = 30_000) {
      return new Promise<AnyMachineSnapshot>((resolve, reject) => {
        const wake = () => {
          idleWaiters.delete(wake);
          clearTimeout(timer);
          resolve(root.getSnapshot() as AnyMachineSnapshot);
        };
        const timer = setTimeout(() => {
          idleWaiters.delete(wake);
          reject(new Error(`runLocal: still ${inFlight} task(s)/timer(s) in flight after ${timeoutMs} ms`));
        }, timeoutMs);
        idleWaiters.add(wake);
        queueMicrotask(checkIdle);
      });
    },
    stop() {
      stopped = true;
      for (const c of controllers.values()) c.abort();
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      controllers.clear();
      for (const actor of jobs.values()) actor.stop();
      root.stop();
    },
  };
}
