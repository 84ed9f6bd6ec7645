// Claiming tasks (DESIGN §4): due queued rows, or running rows whose lease expired (a dead worker), skipping
// tasks of paused batches, under one advisory lock so the global limits hold across all processes.
import { sql } from 'kysely';
import type { Db } from '../engine/db';
import { pick, rateKey, type Candidate, type Limits } from './limits';
import type { ClaimedTask } from './registry';

/** Serialises claimers (not handlers): claims are a few ms, and limits counted under it are exact. */
const CLAIM_LOCK = 7_262_001;

/** Kinds claimed together up to a number of tasks (a worker's handler slots, or its lane for the engine's own tasks). */
export interface ClaimLane {
  readonly kinds: readonly string[];
  readonly max: number;
}

export interface ClaimOptions {
  readonly owner: string;
  readonly lanes: readonly ClaimLane[];
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
  priority: number;
  run_at_ms: string;
  now_ms: string;
}

/**
 * Most candidates read per lane. Kinds without room are not read and rate-limited ones come one per organisation, so
 * a candidate is held back only when this claim's own picks fill a limit: a few times the lane's free slots is plenty.
 */
const MAX_CANDIDATES = 256;

/**
 * Claims up to each lane's max of the due tasks, in priority order, that the global limits let start now, in one
 * transaction under the claim lock. Only the picked rows are locked (FOR UPDATE SKIP LOCKED, which also skips a
 * task an engine transaction is cancelling): locking every candidate, most of them held back by a full browser
 * budget, cost each claim hundreds of row locks (the makespan benchmark's slot idle time).
 */
export async function claimTasks(db: Db, o: ClaimOptions): Promise<ClaimResult> {
  const lanes = o.lanes.filter((l) => l.max > 0 && l.kinds.length > 0);
  if (lanes.length === 0) return { tasks: [], wakeAt: null };
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${CLAIM_LOCK})`.execute(trx);
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
    // One state across the lanes: a lane's picks count against the next lane's limits. Each lane reads its own
    // candidates, so a long queue of handler tasks never hides the engine's own (a cancellation's deliver).
    const state = { runningByKind, runningByKey, nextAllowed: new Map<string, number>() };
    const picked: Candidate[] = [];
    const advance = new Map<string, number>();
    let wakeAt: number | null = null;
    // The database's clock once the claim lock is held (now() would be the transaction's start, before the wait for
    // the lock): a rate gap counts from it, and it is the claimed tasks' started_at, so starts keep the gap exactly.
    let claimedAtMs = 0;
    for (const lane of lanes) {
      // Kinds that cannot start whatever the candidate are not read at all.
      const startable = lane.kinds.filter((k) => !saturated(o.limits, k, runningByKind));
      if (startable.length === 0) continue;
      // Rate-limited kinds (account creation: one at a time, a gap between starts) are read one per organisation:
      // read in priority order with the rest, a queue of them waiting for their gap would fill the candidate window
      // and hold back every task behind it, though those could start.
      const limited = rateLimitedKinds(o.limits);
      const free = startable.filter((k) => !limited.has(k));
      const gated = startable.filter((k) => limited.has(k));
      const a = free.length ? await readCandidates(trx, free, Math.min(Math.max(lane.max * 4, 16), MAX_CANDIDATES), false) : null;
      const b = gated.length ? await readCandidates(trx, gated, MAX_CANDIDATES, true) : null;
      const cands = [...(a?.cands ?? []), ...(b?.cands ?? [])].sort((x, y) => y.priority - x.priority || x.runAtMs - y.runAtMs);
      const nowMs = Math.max(a?.nowMs ?? 0, b?.nowMs ?? 0) || Date.now();
      claimedAtMs = Math.max(claimedAtMs, nowMs);
      const keys = new Set<string>();
      for (const c of cands) for (const g of o.limits.rateGroups) if (g.kinds.includes(c.kind)) keys.add(rateKey(g, c));
      const unknown = [...keys].filter((k) => !state.nextAllowed.has(k));
      if (unknown.length) {
        const { rows } = await sql<{ key: string; ms: string }>`
          select key, (extract(epoch from next_allowed_at) * 1000)::bigint as ms from registration_rate_limits where key = any(${unknown}::text[])`.execute(trx);
        for (const r of rows) state.nextAllowed.set(r.key, Number(r.ms));
      }
      const r = pick(o.limits, cands, state, lane.max, nowMs);
      picked.push(...r.picked);
      for (const [key, ms] of r.advance) advance.set(key, ms);
      if (r.wakeAt !== null) wakeAt = wakeAt === null ? r.wakeAt : Math.min(wakeAt, r.wakeAt);
    }
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
          set status = 'running', lease_owner = ${o.owner}, lease_expires_at = clock_timestamp() + make_interval(secs => ${o.leaseMs / 1000}),
              heartbeat_at = clock_timestamp(), started_at = to_timestamp(${claimedAtMs} / 1000.0), finished_at = null
        where id in (select t.id from registration_tasks t where t.id = any(${picked.map((p) => p.id)}::uuid[]) and ${CLAIMABLE}
                     for update skip locked)
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

/** Due tasks of these kinds in claim order (highest priority, then oldest), read without locking them. */
async function readCandidates(trx: Db, kinds: readonly string[], limit: number, onePerOrganisation: boolean) {
  // A paused batch starts nothing new, but its timers still fire (they only move the machine) and a
  // cancellation still reaches its jobs.
  const { rows } = await sql<CandidateRow>`
    select ${onePerOrganisation ? sql`distinct on (t.organisation_id)` : sql``}
           t.id, t.kind, t.organisation_id, o.settings->>'integratorId' as integrator_id,
           case when jsonb_typeof(o.settings->'accountGapMs') = 'number' then o.settings->>'accountGapMs' end as account_gap_ms,
           t.priority, (extract(epoch from t.run_at) * 1000)::bigint as run_at_ms,
           (extract(epoch from clock_timestamp()) * 1000)::bigint as now_ms
      from registration_tasks t
      left join registration_batch_jobs b on b.id = t.batch_id
      left join organisations o on o.id = t.organisation_id
     where ${CLAIMABLE} and t.kind = any(${kinds}::text[])
       and (b.id is null or b.metadata->>'paused_at' is null or t.kind = 'timer'
            or (t.kind = 'deliver' and t.input->'event'->>'type' = 'job.cancel'))
     order by ${onePerOrganisation ? sql`t.organisation_id, ` : sql``}t.priority desc, t.run_at
     limit ${limit}`.execute(trx);
  return {
    nowMs: rows[0] ? Number(rows[0].now_ms) : Date.now(),
    cands: rows.map((c) => ({
      id: c.id,
      kind: c.kind,
      organisationId: c.organisation_id,
      integratorId: c.integrator_id,
      accountGapMs: c.account_gap_ms === null ? null : Number(c.account_gap_ms),
      priority: c.priority,
      runAtMs: Number(c.run_at_ms),
    })),
  };
}

/** Kinds whose starts a rate group limits (a concurrency cap or a gap between starts). */
function rateLimitedKinds(limits: Limits): Set<string> {
  const kinds = new Set<string>();
  for (const g of limits.rateGroups) {
    if (g.maxConcurrent !== undefined || g.minGapMs || g.gapFromSettings) for (const k of g.kinds) kinds.add(k);
  }
  return kinds;
}

/** Due queued rows, or running rows whose lease expired (their worker died). */
const CLAIMABLE = sql`((t.status = 'queued' and t.run_at <= now()) or (t.status = 'running' and t.lease_expires_at < now()))`;

/** Whether no task of this kind may start now: its own cap, or the shared browser budget, is used up. */
function saturated(limits: Limits, kind: string, runningByKind: ReadonlyMap<string, number>): boolean {
  const cap = limits.concurrency[kind];
  if (cap !== undefined && (runningByKind.get(kind) ?? 0) >= cap) return true;
  if (!limits.browserKinds.includes(kind)) return false;
  let browserRunning = 0;
  for (const k of limits.browserKinds) browserRunning += runningByKind.get(k) ?? 0;
  return browserRunning >= limits.browserSlots;
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
