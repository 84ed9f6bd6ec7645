// Recovery beyond expired leases (DESIGN §4): finds in-progress jobs that wait for nothing (no open task, no timer,
// no person) and re-issues, from the snapshot's task records, the attempt or timer the machine is waiting on.
// Rows without a snapshot (the original implementation's) are never touched. Repairs are released at a bounded
// rate (staggered run_at) so a restart does not stampede the outside world.
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../engine/db';
import { CHANNEL_TASKS, insertTasks, type TaskRow } from '../engine/engine';
import { restore, type MachineSet } from '../engine/machines';

export interface ReconcilerOptions {
  /** Repaired tasks released per second. */
  readonly releasePerSecond?: number;
  /** Jobs examined per pass. */
  readonly scanLimit?: number;
}

export interface Repair {
  readonly jobId: string;
  readonly task: string;
  readonly attempt: number;
  readonly kind: string;
  readonly what: 'task' | 'timer';
}

interface TaskRecordLike {
  task: string;
  kind: string;
  status: string;
  attempt: number;
  timerId: string | null;
}

export interface Reconciler {
  /** One pass; returns what it repaired (also logged). */
  reconcile(): Promise<Repair[]>;
  /** Runs a pass now and then every `intervalMs` until stopped. */
  start(intervalMs: number): void;
  stop(): void;
}

export function createReconciler(deps: { db: Db; log: Logger; machines: MachineSet }, options: ReconcilerOptions = {}): Reconciler {
  const { db, log, machines } = deps;
  const perSecond = options.releasePerSecond ?? 20;
  let timer: NodeJS.Timeout | null = null;

  async function reconcile(): Promise<Repair[]> {
    // Stuck = in progress, driven by a snapshot, with no queued or running task of its own.
    const { rows } = await sql<{ id: string; batch_job_id: string; organisation_id: string; machine_snapshot: unknown; machine_version: number | null }>`
      select j.id, j.batch_job_id, j.organisation_id, j.machine_snapshot, j.machine_version
        from registration_jobs j
       where j.status = 'in_progress' and j.machine_snapshot is not null
         and not exists (select 1 from registration_tasks t where t.job_id = j.id and t.status in ('queued', 'running'))
       limit ${options.scanLimit ?? 500}`.execute(db);
    const repairs: Repair[] = [];
    const inserts: TaskRow[] = [];
    for (const row of rows) {
      let snapshot;
      try {
        let persisted: unknown = row.machine_snapshot;
        const from = row.machine_version ?? 1;
        if (from < machines.job.version) persisted = machines.job.migrate(persisted, from);
        snapshot = restore(machines.job.machine, persisted);
      } catch (err) {
        log.warn({ jobId: row.id, err: String(err) }, 'reconciler: snapshot cannot be restored; left alone');
        continue;
      }
      if (snapshot.status !== 'active' || snapshot.hasTag('action_required')) continue;
      const records = Object.values(((snapshot.context as { tasks?: Record<string, TaskRecordLike> }).tasks ?? {}) as Record<string, TaskRecordLike>);
      for (const r of records) {
        if (r.status === 'running') {
          const { rows: prev } = await sql<{ input: unknown }>`
            select input from registration_tasks where idempotency_key = ${`${row.id}:${r.task}`} order by attempt desc limit 1`.execute(db);
          if (!prev[0]) {
            log.warn({ jobId: row.id, task: r.task }, 'reconciler: running task has no row to take its input from; left alone');
            continue;
          }
          inserts.push(taskRow(row, r.task, r.kind, r.attempt, prev[0].input));
          repairs.push({ jobId: row.id, task: r.task, attempt: r.attempt, kind: r.kind, what: 'task' });
        } else if (r.status === 'retrying' && r.timerId) {
          const { rows: prev } = await sql<{ attempt: number }>`
            select attempt from registration_tasks where idempotency_key = ${`${row.id}:timer:${r.timerId}`} order by attempt desc limit 1`.execute(db);
          const input = { target: { type: 'job', id: row.id }, event: { type: 'timer.fired', id: r.timerId } };
          inserts.push(taskRow(row, `timer:${r.timerId}`, 'timer', prev[0]?.attempt ?? 1, input));
          repairs.push({ jobId: row.id, task: r.task, attempt: r.attempt, kind: r.kind, what: 'timer' });
        }
      }
    }
    if (inserts.length) {
      const now = Date.now();
      inserts.forEach((t, i) => (t.run_at = new Date(now + Math.floor((i * 1000) / perSecond)).toISOString()));
      // Re-issued rows reuse the attempt the machine expects; if that row exists but finished, give it a fresh
      // row by re-queueing it rather than inserting (unique on key + attempt).
      await db.transaction().execute(async (trx) => {
        for (const t of inserts) {
          const res = await sql`update registration_tasks set status = 'queued', run_at = ${t.run_at}, lease_owner = null, lease_expires_at = null,
              output = null, error = null, finished_at = null
            where idempotency_key = ${t.idempotency_key} and attempt = ${t.attempt} and status in ('succeeded', 'failed', 'cancelled')`.execute(trx);
          if (Number(res.numAffectedRows ?? 0) === 0) await insertTasks(trx, [t]);
        }
        await sql`select pg_notify(${CHANNEL_TASKS}, 'reconciled')`.execute(trx);
      });
      for (const r of repairs) log.warn(r, 'reconciler repaired a stuck job');
    }
    return repairs;
  }

  return {
    reconcile,
    start(intervalMs) {
      const run = () => void reconcile().catch((err: unknown) => log.error({ err: String(err) }, 'reconciler pass failed'));
      run();
      timer = setInterval(run, intervalMs);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

function taskRow(job: { id: string; batch_job_id: string; organisation_id: string }, task: string, kind: string, attempt: number, input: unknown): TaskRow {
  return {
    kind,
    job_id: job.id,
    batch_id: job.batch_job_id,
    organisation_id: job.organisation_id,
    task,
    idempotency_key: `${job.id}:${task}`,
    attempt,
    input,
    run_at: null,
  };
}
