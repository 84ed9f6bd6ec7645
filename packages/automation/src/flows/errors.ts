// Typed flow errors: every failure a flow reports carries a code and whether a retry can help, so the engine
// retries a timeout or a crashed tab but parks a portal validation message or a missing input at once.

export const FLOW_ERROR_CODES = {
  network: true,
  timeout: true,
  server_error: true,
  session_expired: true,
  tab_crashed: true,
  browser_closed: true,
  rate_limited: true,
  verification_failed: true,
  validation: false,
  missing_input: false,
  login_failed: false,
  not_found: false,
  conflict: false,
  aborted: false,
  unexpected: false,
} as const;
export type FlowErrorCode = keyof typeof FLOW_ERROR_CODES;

export class FlowError extends Error {
  readonly retryable: boolean;
  constructor(
    readonly code: FlowErrorCode,
    message: string,
    readonly details: { retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message);
    this.name = 'FlowError';
    this.retryable = FLOW_ERROR_CODES[code];
  }
  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }
  /** The shape the machines' task.failed event carries. */
  toTaskError(): { code: string; message: string; retryable: boolean; retryAfterMs?: number } {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.details.retryAfterMs !== undefined ? { retryAfterMs: this.details.retryAfterMs } : {}),
    };
  }
}

// Playwright colours its call log for terminals.
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Map anything a flow can throw (Playwright, fetch, our own) onto a FlowError. */
export function classifyError(err: unknown): FlowError {
  if (err instanceof FlowError) return err;
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const message = String(e?.message ?? err);
  // Playwright's first line says what timed out; its call log says which element it was waiting for.
  const waiting = /waiting for ([^\n]+)/.exec(message)?.[1]?.replace(ANSI_COLOUR, '');
  const first = (message.split('\n')[0] ?? message) + (waiting ? ` (waiting for ${waiting})` : '');
  if (e?.name === 'AbortError' || /aborted|AbortError/.test(first)) {
    // fetch's AbortSignal.timeout() reports TimeoutError; a caller's cancel reports AbortError.
    return new FlowError('aborted', `cancelled: ${first}`, { cause: err });
  }
  if (e?.name === 'TimeoutError' || /Timeout \d+ms exceeded|timed out/i.test(first)) {
    return new FlowError('timeout', first, { cause: err });
  }
  if (/Target crashed|Page crashed|page has crashed/i.test(message)) return new FlowError('tab_crashed', `browser tab crashed: ${first}`, { cause: err });
  if (/has been closed|Browser closed|browser has disconnected/i.test(message)) {
    return new FlowError('browser_closed', first, { cause: err });
  }
  if (/net::ERR_|ECONNREFUSED|ECONNRESET|EPIPE|socket hang up|fetch failed|UND_ERR/i.test(message + (e?.cause?.code ?? ''))) {
    return new FlowError('network', first, { cause: err });
  }
  return new FlowError('unexpected', first, { cause: err });
}

/** HTTP status → error class, for the API flows and for page responses. */
export function httpError(status: number, what: string, body: string, retryAfter: string | null = null): FlowError {
  const text = `${what}: HTTP ${status}${body ? ` ${body.slice(0, 300)}` : ''}`;
  if (status === 429) {
    const s = Number(retryAfter);
    return new FlowError('rate_limited', text, Number.isFinite(s) ? { retryAfterMs: s * 1000 } : {});
  }
  if (status >= 500) return new FlowError('server_error', text);
  if (status === 401 || status === 403) return new FlowError('login_failed', text);
  if (status === 404) return new FlowError('not_found', text);
  if (status === 409) return new FlowError('conflict', text);
  return new FlowError('validation', text);
}
