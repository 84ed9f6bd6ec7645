// Secrets never leave the API: every value under a secret-named key, and every stored-secret reference, is replaced
// by a marker before a response is sent (configs, events, task inputs and outputs).
import { SECRET_KEY_PATTERN } from '../ops/logger';

export const MASKED = '********';

function isRef(value: unknown): boolean {
  return !!value && typeof value === 'object' && !Array.isArray(value) && typeof (value as { secret_ref?: unknown }).secret_ref === 'string';
}

/** A copy of `value` with secrets masked. Booleans (`include_stripe_connect_link`…) and nulls are kept. */
export function maskSecrets<T>(value: T, depth = 0): T {
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (isRef(value)) return MASKED as T;
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (SECRET_KEY_PATTERN.test(k) && (typeof v === 'string' || isRef(v)) && v !== '') out[k] = MASKED;
    else out[k] = maskSecrets(v, depth + 1);
  }
  return out as T;
}
