// Prometheus metrics (prom-client) on a registry of the server's own: tasks by kind and status and browser slots in
// use (read from the task table at scrape time, so every process reports the same global numbers), applyEvent
// latency (observed by instrumentEngine), and the process defaults.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { sql } from 'kysely';
import type { Db } from '../db/index';
import type { Engine } from '../engine/engine';

export interface Metrics {
  readonly registry: Registry;
  readonly applyEventSeconds: Histogram<'target' | 'outcome'>;
  readonly httpErrors: Counter<'code'>;
}

export interface MetricsDeps {
  db: Db;
  /** Task kinds that occupy a browser slot, and how many slots there are. */
  browserKinds?: readonly string[];
  browserSlots?: number;
}

export function createMetrics(deps: MetricsDeps): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const tasks = new Gauge({
    name: 'regbatch_tasks',
    help: 'Tasks (attempts) by kind and status, read from registration_tasks at scrape time',
    labelNames: ['kind', 'status'] as const,
    registers: [registry],
    async collect() {
      const { rows } = await sql<{ kind: string; status: string; n: string }>`
        select kind, status, count(*)::text as n from registration_tasks group by kind, status`.execute(deps.db);
      this.reset();
      for (const r of rows) this.set({ kind: r.kind, status: r.status }, Number(r.n));
    },
  });
  void tasks;
  const kinds = [...(deps.browserKinds ?? [])];
  new Gauge({
    name: 'regbatch_browser_slots_in_use',
    help: 'Running browser-heavy tasks across all workers',
    registers: [registry],
    async collect() {
      if (kinds.length === 0) return this.set(0);
      const { rows } = await sql<{ n: string }>`
        select count(*)::text as n from registration_tasks where status = 'running' and kind = any(${kinds}::text[])`.execute(deps.db);
      this.set(Number(rows[0]?.n ?? 0));
    },
  });
  const total = new Gauge({ name: 'regbatch_browser_slots', help: 'Configured browser slots', registers: [registry] });
  total.set(deps.browserSlots ?? 0);
  const applyEventSeconds = new Histogram({
    name: 'regbatch_apply_event_seconds',
    help: 'Latency of engine.applyEvent (one transaction: lock, transition, write, notify, commit)',
    labelNames: ['target', 'outcome'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const httpErrors = new Counter({ name: 'regbatch_api_errors', help: 'API errors by tRPC code', labelNames: ['code'] as const, registers: [registry] });
  return { registry, applyEventSeconds, httpErrors };
}

/** The same engine, with applyEvent timed into the metrics. */
export function instrumentEngine(engine: Engine, metrics: Metrics): Engine {
  return {
    ...engine,
    async applyEvent(target, event, actor, opts) {
      const end = metrics.applyEventSeconds.startTimer({ target: target.type });
      try {
        const result = await engine.applyEvent(target, event, actor, opts);
        end({ outcome: result.ok ? 'applied' : result.code });
        return result;
      } catch (error) {
        end({ outcome: 'error' });
        throw error;
      }
    },
    async applyEventOrThrow(target, event, actor, opts) {
      const end = metrics.applyEventSeconds.startTimer({ target: target.type });
      try {
        const result = await engine.applyEventOrThrow(target, event, actor, opts);
        end({ outcome: 'applied' });
        return result;
      } catch (error) {
        end({ outcome: 'rejected' });
        throw error;
      }
    },
  };
}
