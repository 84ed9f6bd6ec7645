// /healthz: the database answers, and the workers are alive (in this process, and as seen in the task table:
// running tasks with a live lease versus leases that expired, i.e. a dead worker's tasks awaiting reclaim).
import { sql } from 'kysely';
import type { Db } from '../db/index';

export interface HealthReport {
  ok: boolean;
  database: { ok: boolean; latencyMs: number | null; error?: string };
  workers: {
    /** Workers running inside this process (serve starts some), or null when none are. */
    inProcess: number | null;
    runningTasks: number | null;
    expiredLeases: number | null;
    queuedDue: number | null;
  };
}

export async function checkHealth(db: Db, inProcessWorkers: () => number | null): Promise<HealthReport> {
  const started = performance.now();
  try {
    const { rows } = await sql<{ running: string; expired: string; due: string }>`
      select count(*) filter (where status = 'running' and lease_expires_at > now())::text as running,
             count(*) filter (where status = 'running' and lease_expires_at <= now())::text as expired,
             count(*) filter (where status = 'queued' and run_at <= now())::text as due
        from registration_tasks where status in ('running', 'queued')`.execute(db);
    const r = rows[0];
    return {
      ok: true,
      database: { ok: true, latencyMs: Math.round(performance.now() - started) },
      workers: {
        inProcess: inProcessWorkers(),
        runningTasks: Number(r?.running ?? 0),
        expiredLeases: Number(r?.expired ?? 0),
        queuedDue: Number(r?.due ?? 0),
      },
    };
  } catch (error) {
    return {
      ok: false,
      database: { ok: false, latencyMs: null, error: error instanceof Error ? error.message : String(error) },
      workers: { inProcess: inProcessWorkers(), runningTasks: null, expiredLeases: null, queuedDue: null },
    };
  }
}
