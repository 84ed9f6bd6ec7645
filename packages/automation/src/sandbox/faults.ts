// Fault injection for the sandbox: per route key, added latency, an error rate, and 429s with Retry-After.
// Decisions come from a seeded generator so a test that asks for a 50 % error rate sees the same sequence every run.
import { z } from 'zod';

export const FaultSpecSchema = z.object({
  /** Delay before the route answers (ms). Longer than a client's timeout = a timeout fault. */
  latencyMs: z.number().int().nonnegative().optional(),
  /** Fraction 0..1 of requests answered with `errorStatus`. */
  errorRate: z.number().min(0).max(1).optional(),
  errorStatus: z.number().int().min(400).max(599).optional(),
  /** Answer 429 with this Retry-After (seconds). */
  rateLimit: z.object({ retryAfterSeconds: z.number().int().nonnegative() }).optional(),
  /** Apply the fault to this many matching requests only, then clear it. */
  times: z.number().int().positive().optional(),
});
export type FaultSpec = z.infer<typeof FaultSpecSchema>;

export const FaultMapSchema = z.record(z.string(), FaultSpecSchema);
export type FaultMap = z.infer<typeof FaultMapSchema>;

export type FaultDecision =
  | { kind: 'none'; latencyMs: number }
  | { kind: 'error'; latencyMs: number; status: number }
  | { kind: 'rateLimited'; latencyMs: number; retryAfterSeconds: number };

export interface FaultController {
  /** Set (replace) the fault for a route key; '*' applies to every route without its own entry. */
  set(route: string, spec: FaultSpec): void;
  clear(route?: string): void;
  list(): FaultMap;
  decide(route: string): FaultDecision;
}

/** mulberry32: tiny, seedable, good enough to spread faults. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createFaultController(initial: FaultMap = {}, seed = 1): FaultController {
  const faults = new Map<string, FaultSpec & { remaining?: number }>();
  const random = seeded(seed);
  const set = (route: string, spec: FaultSpec) => {
    const parsed = FaultSpecSchema.parse(spec);
    faults.set(route, parsed.times !== undefined ? { ...parsed, remaining: parsed.times } : parsed);
  };
  for (const [route, spec] of Object.entries(initial)) set(route, spec);

  return {
    set,
    clear(route) {
      if (route === undefined) faults.clear();
      else faults.delete(route);
    },
    list() {
      return Object.fromEntries([...faults].map(([k, { remaining: _r, ...spec }]) => [k, spec]));
    },
    decide(route) {
      const key = faults.has(route) ? route : faults.has('*') ? '*' : null;
      if (key === null) return { kind: 'none', latencyMs: 0 };
      const spec = faults.get(key);
      if (!spec) return { kind: 'none', latencyMs: 0 };
      if (spec.remaining !== undefined) {
        spec.remaining -= 1;
        if (spec.remaining <= 0) faults.delete(key);
      }
      const latencyMs = spec.latencyMs ?? 0;
      if (spec.rateLimit) return { kind: 'rateLimited', latencyMs, retryAfterSeconds: spec.rateLimit.retryAfterSeconds };
      if (spec.errorRate !== undefined && spec.errorRate > 0 && random() < spec.errorRate) {
        return { kind: 'error', latencyMs, status: spec.errorStatus ?? 500 };
      }
      return { kind: 'none', latencyMs };
    },
  };
}
