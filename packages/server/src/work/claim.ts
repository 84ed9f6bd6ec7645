// Claiming tasks (DESIGN §4): due queued rows, or running rows whose lease expired (a dead worker), skipping
// tasks of paused batches, under one advisory lock so the global limits hold across all processes.
import { sql } from 'kysely';
import type { Db } from '../engine/db';
import { pick, rateKey, type Candidate, type Limits } from './limits';
import type { ClaimedTask } from './registry';

/** Serialises claimers (not handlers): claims are a few ms, and limits counted under it are exact. */
const CLAIM_LOCK = 7_262_001;

export interface ClaimOptions {
  readonly owner: string;
  /** Kinds this worker runs; null = any. */
  readonly kinds: readonly string[] | null;
  readonly max: number;
  readonly leaseMs: number;
  readonly limits: Limits;
}

export interface ClaimResult {
  readonly tasks: ClaimedTask[];
  /** When a gap-limited candidate becomes startable (ms since epoch), if one was held back. */
  readonly wakeAt: number | null;
}

interface CandidateRow {
  id: string;
  kind: string;
  organisation_id: string;
  integrator_id: string | null;
  account_gap_ms: string | null;
}

export async function claimTasks(db: Db, o: ClaimOptions): Promise<ClaimResult> {
  if (o.max <= 0) return { tasks: [], wakeAt: null };
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${CLAIM_LOCK})`.execute(trx);
    const kindFilter = o.kinds ? sql`and t.kind = any(${o.kinds}::text[])` : sql``;
    // A paused batch starts nothing new, but its timers still fire (they only move the machine) and a
    // cancellation still reaches its jobs.
    const { rows: candidates } = await sql<CandidateRow>`
      select t.id, t.kind, t.organisation_id, o.settings->>'integratorId' as integrator_id,
             case when jsonb_typeof(o.settings->'accountGapMs') = 'number' then o.settings->>'accountGapMs' end as account_gap_ms
        from registration_tasks t
        left join registration_batch_jobs b on b.id = t.batch_id
        left join organisations o on o.id = t.organisation_id
       where ((t.status = 'queued' and t.run_at <= now()) or (t.status = 'running' and t.lease_expires_at < now()))
         ${kindFilter}
         and (b.id is null or b.metadata->>'paused_at' is null or t.kind = 'timer'
              or (t.kind = 'deliver' and t.input->'event'->>'type' = 'job.cancel'))
       order by t.priority desc, t.run_at
       limit ${Math.max(o.max * 4, 16)}
       for update of t skip locked`.execute(trx);
    if (candidates.length === 0) return { tasks: [], wakeAt: null };

    const { rows: running } = await sql<{ kind: string; organisation_id: string; integrator_id: string | null; n: string }>`
      select t.kind, t.organisation_id, o.settings->>'integratorId' as integrator_id, count(*) as n
        from registration_tasks t left join organisations o on o.id = t.organisation_id
       where t.status = 'running' and t.lease_expires_at >= now() group by 1, 2, 3`.execute(trx);
    const runningByKind = new Map<string, number>();
    const runningByKey = new Map<string, number>();
    for (const r of running) {
      runningByKind.set(r.kind, (runningByKind.get(r.kind) ?? 0) + Number(r.n));
      for (const g of o.limits.rateGroups) {
        if (!g.kinds.includes(r.kind)) continue;
        const key = rateKey(g, { id: '', kind: r.kind, organisationId: r.organisation_id, integratorId: r.integrator_id });
        runningByKey.set(key, (runningByKey.get(key) ?? 0) + Number(r.n));
      }
    }
    const cands: Candidate[] = candidates.map((c) => ({
      id: c.id,
      kind: c.kind,
      organisationId: c.organisation_id,
      integratorId: c.integrator_id,
      accountGapMs: c.account_gap_ms === null ? null : Number(c.account_gap_ms),
    }));
    const keys = new Set<string>();
    for (const c of cands) for (const g of o.limits.rateGroups) if (g.kinds.includes(c.kind)) keys.add(rateKey(g, c));
    const nextAllowed = new Map<string, number>();
    if (keys.size) {
      const { rows } = await sql<{ key: string; ms: string }>`
        select key, (extract(epoch from next_allowed_at) * 1000)::bigint as ms from registration_rate_limits where key = any(${[...keys]}::text[])`.execute(trx);
      for (const r of rows) nextAllowed.set(r.key, Number(r.ms));
    }
    const { rows: nowRows } = await sql<{ ms: string }>`select (extract(epoch from now()) * 1000)::bigint as ms`.execute(trx);
    const nowMs = Number(nowRows[0]?.ms ?? Date.now());
    const { picked, advance, wakeAt } = pick(o.limits, cands, { runningByKind, runningByKey, nextAllowed }, o.max, nowMs);
    if (picked.length === 0) return { tasks: [], wakeAt };

    const { rows } = await sql<{
      id: string;
      kind: string;
      task: string;
      job_id: string | null;
      batch_id: string | null;
      organisation_id: string;
      idempotency_key: string;
      attempt: number;
      input: unknown;
    }>`update registration_tasks
          set status = 'running', lease_owner = ${o.owner}, lease_expires_at = now() + make_interval(secs => ${o.leaseMs / 1000}),
              heartbeat_at = now(), started_at = now(), finished_at = null
        where id = any(${picked.map((p) => p.id)}::uuid[])
        returning id, kind, task, job_id, batch_id, organisation_id, idempotency_key, attempt, input`.execute(trx);
    for (const [key, ms] of advance) {
      await sql`insert into registration_rate_limits (key, next_allowed_at) values (${key}, to_timestamp(${ms / 1000}))
        on conflict (key) do update set next_allowed_at = excluded.next_allowed_at, updated_at = now()`.execute(trx);
    }
    const order = new Map(picked.map((p, i) => [p.id, i]));
    rows.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    return {
      wakeAt,
      tasks: rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        task: r.task,
        jobId: r.job_id,
        batchId: r.batch_id,
        organisationId: r.organisation_id,
        idempotencyKey: r.idempotency_key,
        attempt: r.attempt,
        input: r.input,
      })),
    };
  });
}

/** The next moment something becomes claimable without a notification: a timer falls due or a lease expires. */
export async function nextDueAt(db: Db): Promise<number | null> {
  const { rows } = await sql<{ ms: string | null }>`
    select (extract(epoch from least(
      (select min(run_at) from registration_tasks where status = 'queued' and run_at > now()),
      (select min(lease_expires_at) from registration_tasks where status = 'running'))) * 1000)::bigint as ms`.execute(db);
  const ms = rows[0]?.ms;
  return ms === null || ms === undefined ? null : Number(ms);
}
