// Typed registry errors. The engine retries what is retryable (honouring retryAfterMs) and parks the rest;
// a failed search is always one of these, never an empty result.

export type RegistryErrorCode =
  | 'REGISTRY_TIMEOUT'
  | 'REGISTRY_NETWORK'
  | 'REGISTRY_UNAVAILABLE'
  | 'REGISTRY_RATE_LIMITED'
  | 'REGISTRY_BAD_CREDENTIALS'
  | 'REGISTRY_NOT_FOUND'
  | 'REGISTRY_BAD_REQUEST'
  | 'REGISTRY_BAD_RESPONSE'
  | 'REGISTRY_ABORTED';

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    readonly retryable: boolean,
    readonly details: { status?: number; url?: string; retryAfterMs?: number } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }
  get status(): number | undefined {
    return this.details.status;
  }
  /** The shape the machines' task.failed event carries. */
  toTaskError(): { code: string; message: string; retryable: boolean; retryAfterMs?: number } {
    return this.details.retryAfterMs !== undefined
      ? { code: this.code, message: this.message, retryable: this.retryable, retryAfterMs: this.details.retryAfterMs }
      : { code: this.code, message: this.message, retryable: this.retryable };
  }
}
