// The process logger (pino): structured JSON with batch/job/task ids as fields, and secrets removed before a line is
// written, wherever they sit in the logged object (keys that name a secret, bearer tokens, secret references).
import pino from 'pino';
import type { DestinationStream, Level, Logger } from 'pino';

export const REDACTED = '[redacted]';

/** Keys whose values are secrets whatever their nesting. */
export const SECRET_KEY_PATTERN = /pass(word)?|secret|token|authori[sz]ation|api[-_]?key|cookie|verification[-_]?code|private[-_]?key|credential/i;

/** Returns a copy of `value` with every secret-named key's value replaced; strings carrying a bearer token are cut. */
export function scrubSecrets(value: unknown, depth = 0): unknown {
  if (depth > 12) return value;
  if (typeof value === 'string') {
    return value
      .replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/g, `Bearer ${REDACTED}`)
      // SSE clients send their token as a query parameter (tRPC connectionParams): URLs in request logs carry it.
      .replace(/([?&](?:connectionParams|token|access_token)=)[^&\s"]*/gi, `$1${REDACTED}`);
  }
  if (Array.isArray(value)) return value.map((v) => scrubSecrets(v, depth + 1));
  if (value instanceof Error) {
    return { type: value.name, message: scrubSecrets(value.message, depth + 1), code: (value as { code?: unknown }).code, stack: value.stack };
  }
  if (value && typeof value === 'object') {
    // Class instances (a request, a response) are left to pino's serializers, which scrub what they emit.
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY_PATTERN.test(k) && v !== null && v !== undefined && v !== false ? REDACTED : scrubSecrets(v, depth + 1);
    }
    return out;
  }
  return value;
}

export interface LoggerOptions {
  level: Level | 'silent';
  /** Where lines go (stderr by default; tests pass a stream to inspect them). */
  destination?: DestinationStream;
  name?: string;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: options.name ? { name: options.name } : null,
      timestamp: pino.stdTimeFunctions.isoTime,
      // Fast path for the well-known places, then a deep scrub of whatever else was logged.
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization'], censor: REDACTED },
      serializers: {
        req: (req: { method?: string; url?: string; hostname?: string; ip?: string; id?: string }) => ({
          method: req.method,
          url: scrubSecrets(req.url),
          host: req.hostname,
          remoteAddress: req.ip,
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: (err: Error) => scrubSecrets(pino.stdSerializers.err(err)),
      },
      formatters: {
        log: (object) => scrubSecrets(object) as Record<string, unknown>,
      },
      hooks: {
        // Interpolated message strings are scrubbed too (e.g. an error message quoting a header).
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? (scrubSecrets(a) as string) : a));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination(2),
  );
}
