// Task handlers looked up by kind. The automation issues register the real flows; `simulate` supplies a complete set.
import type { Logger } from 'pino';
import type { Db } from '../engine/db';

export interface ClaimedTask {
  readonly id: string;
  readonly kind: string;
  readonly task: string;
  readonly jobId: string | null;
  readonly batchId: string | null;
  readonly organisationId: string;
  readonly idempotencyKey: string;
  readonly attempt: number;
  readonly input: unknown;
}

export interface TaskContext {
  readonly task: ClaimedTask;
  /** The task's input with every secret reference revealed: decrypted now, at the moment of use. */
  readonly input: unknown;
  /** Fires when the task is cancelled, its lease is lost, or the worker shuts down. */
  readonly signal: AbortSignal;
  /** Same for every attempt of the task: check the outside world for it before creating anything. */
  readonly idempotencyKey: string;
  readonly workerId: string;
  readonly db: Db;
  readonly log: Logger;
  /**
   * Stores a secret the handler made (step 4's generated account password) encrypted for the task's organisation
   * and returns its reference, which is all the output may carry (DESIGN §4). The worker always provides it.
   */
  readonly sealSecret?: (plaintext: string, purpose: string) => Promise<{ readonly secret_ref: string }>;
}

export type TaskHandler = (ctx: TaskContext) => Promise<unknown>;

/** What a handler throws to report a failure the machine understands (DESIGN §3 task.failed). */
export class TaskFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'TaskFailure';
  }

  toEventError(): { code: string; message: string; retryable: boolean; retryAfterMs?: number; details?: unknown } {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

export type HandlerRegistry = ReadonlyMap<string, TaskHandler>;

/** Later sets override earlier ones kind by kind, so real flows can replace simulated ones one at a time. */
export function createRegistry(...sets: Record<string, TaskHandler>[]): HandlerRegistry {
  const m = new Map<string, TaskHandler>();
  for (const s of sets) for (const [k, h] of Object.entries(s)) m.set(k, h);
  return m;
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
