// Typed errors and rejections of the engine. Every error carries a stable `code` and whether retrying may help;
// the API maps them to tRPC errors in one place.
export type RejectionCode =
  | 'target_final' // the job or batch is cancelled (terminal): later events are refused
  | 'not_applicable' // the machine in its current state does not take this event (incl. a stale task result)
  | 'validation_failed' // the event's payload is invalid; see fieldErrors
  | 'fenced' // a task result from an attempt or lease that is no longer current
  | 'revision_mismatch'; // the caller expected another revision (optimistic UI writes)

export interface FieldError {
  readonly path: string;
  readonly message: string;
  readonly value?: unknown;
}

export interface Rejection {
  readonly ok: false;
  readonly code: RejectionCode;
  readonly message: string;
  readonly fieldErrors?: readonly FieldError[];
}

export type EngineErrorCode =
  | 'not_found'
  | 'not_visible'
  | 'no_snapshot'
  | 'snapshot_unsupported'
  | 'duplicate_restaurant'
  | 'invalid_input'
  | 'event_rejected';

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly retryable = false,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

/** Thrown by the `*OrThrow` helpers when an event is rejected. */
export class EventRejectedError extends EngineError {
  constructor(readonly rejection: Rejection) {
    super('event_rejected', `${rejection.code}: ${rejection.message}`, false, rejection);
    this.name = 'EventRejectedError';
  }
}

/** Postgres errors worth retrying the whole transaction for (deadlock, serialization failure). */
export function isTransientPgError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}
