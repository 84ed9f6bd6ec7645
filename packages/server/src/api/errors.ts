// The one place domain errors become tRPC errors, and the error formatter that puts field errors (zod paths →
// messages) into every error's `data.fieldErrors`, so clients show them by field instead of parsing a message.
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { ZodError } from 'zod';
import { AuthError } from '../auth/errors';
import { EngineError, EventRejectedError, type FieldError, type Rejection } from '../engine/errors';
import { ArtifactError } from '../ops/artifacts';

/** Errors the API raises itself (checks before the engine). */
export type ApiErrorCode = 'not_found' | 'forbidden' | 'read_only' | 'invalid_input' | 'conflict' | 'not_available';

export class ApiError extends Error {
  readonly retryable = false;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Field errors keyed by dotted path, e.g. { "configs.0.config.email": ['"x" is not a valid email address'] }. */
export type FieldErrors = Record<string, string[]>;

/** What every error's `data` carries besides tRPC's own fields. */
export interface ErrorData {
  /** The domain error code (engine, auth, API), when there is one. */
  domainCode: string | null;
  fieldErrors: FieldErrors | null;
}

export function zodFieldErrors(error: ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.map(String).join('.') : '_';
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

function fromFieldErrorList(list: readonly FieldError[] | undefined, prefix = ''): FieldErrors | undefined {
  if (!list?.length) return undefined;
  const out: FieldErrors = {};
  for (const f of list) (out[`${prefix}${f.path}`] ??= []).push(f.message);
  return out;
}

class MappedError extends TRPCError {
  constructor(
    code: TRPC_ERROR_CODE_KEY,
    message: string,
    readonly domainCode: string,
    readonly fieldErrors: FieldErrors | undefined,
    cause?: unknown,
  ) {
    super({ code, message, cause });
  }
}

const REJECTION_CODES: Record<Rejection['code'], TRPC_ERROR_CODE_KEY> = {
  target_final: 'PRECONDITION_FAILED',
  not_applicable: 'CONFLICT',
  validation_failed: 'BAD_REQUEST',
  fenced: 'CONFLICT',
  revision_mismatch: 'CONFLICT',
};

const ENGINE_CODES: Record<EngineError['code'], TRPC_ERROR_CODE_KEY> = {
  not_found: 'NOT_FOUND',
  not_visible: 'NOT_FOUND',
  no_snapshot: 'PRECONDITION_FAILED',
  snapshot_unsupported: 'PRECONDITION_FAILED',
  duplicate_restaurant: 'CONFLICT',
  invalid_input: 'BAD_REQUEST',
  event_rejected: 'CONFLICT',
};

const API_CODES: Record<ApiErrorCode, TRPC_ERROR_CODE_KEY> = {
  not_found: 'NOT_FOUND',
  forbidden: 'FORBIDDEN',
  read_only: 'PRECONDITION_FAILED',
  invalid_input: 'BAD_REQUEST',
  conflict: 'CONFLICT',
  not_available: 'NOT_FOUND',
};

/** A rejection the engine returned (not thrown) as a tRPC error. */
export function rejectionError(rejection: Rejection, fieldPrefix = ''): TRPCError {
  return new MappedError(REJECTION_CODES[rejection.code], rejection.message, rejection.code, fromFieldErrorList(rejection.fieldErrors, fieldPrefix));
}

/** Maps any error thrown by a procedure (or the upload route) to a tRPC error. Unknown errors stay internal. */
export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof MappedError) return error;
  if (error instanceof TRPCError) {
    if (error.cause && !(error.cause instanceof TRPCError) && error.code === 'INTERNAL_SERVER_ERROR') {
      const inner = toTRPCError(error.cause);
      if (inner.code !== 'INTERNAL_SERVER_ERROR') return inner;
    }
    return error;
  }
  if (error instanceof ApiError) return new MappedError(API_CODES[error.code], error.message, error.code, error.fieldErrors, error);
  if (error instanceof AuthError) {
    const code: TRPC_ERROR_CODE_KEY = error.code === 'forbidden' ? 'FORBIDDEN' : error.code === 'not_local_mode' ? 'NOT_FOUND' : 'UNAUTHORIZED';
    return new MappedError(code, error.message, error.code, undefined, error);
  }
  if (error instanceof EventRejectedError) return rejectionError(error.rejection);
  if (error instanceof EngineError) return new MappedError(ENGINE_CODES[error.code], error.message, error.code, undefined, error);
  if (error instanceof ArtifactError) {
    return new MappedError(error.code === 'artifact_name_invalid' ? 'BAD_REQUEST' : 'NOT_FOUND', error.message, error.code, undefined, error);
  }
  if (error instanceof ZodError) return new MappedError('BAD_REQUEST', 'invalid input', 'invalid_input', zodFieldErrors(error), error);
  // Postgres: invalid uuid text etc. reach here only through a bug in input validation; report them as bad input.
  const pgCode = (error as { code?: unknown } | null)?.code;
  if (pgCode === '22P02') return new MappedError('BAD_REQUEST', (error as Error).message, 'invalid_input', undefined, error);
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'internal error', cause: error });
}

/** The `data` additions of the errorFormatter. */
export function errorData(error: TRPCError): ErrorData {
  if (error instanceof MappedError) return { domainCode: error.domainCode, fieldErrors: error.fieldErrors ?? null };
  if (error.cause instanceof ZodError) return { domainCode: 'invalid_input', fieldErrors: zodFieldErrors(error.cause) };
  return { domainCode: null, fieldErrors: null };
}

/** HTTP status of a tRPC code, for the plain fastify routes. */
export function httpStatusOf(code: TRPC_ERROR_CODE_KEY): number {
  const map: Partial<Record<TRPC_ERROR_CODE_KEY, number>> = {
    BAD_REQUEST: 400,
    UNAUTHORIZED: 401,
    FORBIDDEN: 403,
    NOT_FOUND: 404,
    CONFLICT: 409,
    PRECONDITION_FAILED: 412,
    PAYLOAD_TOO_LARGE: 413,
    UNPROCESSABLE_CONTENT: 422,
  };
  return map[code] ?? 500;
}
