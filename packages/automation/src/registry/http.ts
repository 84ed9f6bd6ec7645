// One JSON GET with a timeout, mapped onto RegistryError: network errors, timeouts, 5xx and 429 are
// retryable (429 with its Retry-After); 401/403 mean bad credentials and are not.
import { RegistryError } from './errors';

export interface RequestOptions {
  headers?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Clock for HTTP-date Retry-After values. */
  now?: () => number;
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function redact(url: string): string {
  return url.replace(/([?&](?:key|subscription-key|api[-_]?key)=)[^&]*/gi, '$1***');
}

export async function getJson(url: string, opts: RequestOptions): Promise<unknown> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  const where = redact(url);
  const failed = (err: unknown): RegistryError => {
    if (opts.signal?.aborted) return new RegistryError('REGISTRY_ABORTED', `request to ${where} was cancelled`, false, { url: where }, { cause: err });
    if (timeout.aborted) {
      return new RegistryError('REGISTRY_TIMEOUT', `no answer from ${where} within ${opts.timeoutMs} ms`, true, { url: where }, { cause: err });
    }
    const cause = (err as { cause?: { code?: string } }).cause;
    return new RegistryError('REGISTRY_NETWORK', `network error calling ${where}: ${cause?.code ?? (err as Error).message}`, true, { url: where }, { cause: err });
  };
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json', ...opts.headers }, signal });
  } catch (err) {
    throw failed(err);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw failed(err);
  }
  const status = res.status;
  if (status === 401 || status === 403) {
    throw new RegistryError('REGISTRY_BAD_CREDENTIALS', `${where} refused the credentials (HTTP ${status})`, false, { status, url: where });
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), (opts.now ?? Date.now)());
    const details = retryAfterMs === undefined ? { status, url: where } : { status, url: where, retryAfterMs };
    throw new RegistryError('REGISTRY_RATE_LIMITED', `${where} is rate limiting (HTTP 429)`, true, details);
  }
  if (status >= 500) throw new RegistryError('REGISTRY_UNAVAILABLE', `${where} failed with HTTP ${status}`, true, { status, url: where });
  if (status === 404) throw new RegistryError('REGISTRY_NOT_FOUND', `${where}: not found (HTTP 404)`, false, { status, url: where });
  if (status < 200 || status >= 300) {
    throw new RegistryError('REGISTRY_BAD_REQUEST', `${where} rejected the request (HTTP ${status}): ${text.slice(0, 200)}`, false, { status, url: where });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    // A proxy's HTML error page or a truncated body: worth another attempt.
    throw new RegistryError('REGISTRY_BAD_RESPONSE', `${where} answered with something other than JSON`, true, { status, url: where }, { cause: err });
  }
}
