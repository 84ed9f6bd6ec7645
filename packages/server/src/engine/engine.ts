// The durable engine (DESIGN §4): applyEvent is the only way a job or batch changes state. One transaction locks
// the row, restores and migrates the snapshot, runs XState's pure transition, writes snapshot + changed projected
// rows, logs the event, turns effects into task rows, applies the job's follow-up to its batch, NOTIFYs, commits.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { AnyMachineSnapshot } from 'xstate';
import type { Clock, Db } from './db';
import { systemClock } from './db';
import { readEffects, jitteredDelay, type Effects } from './effects';
import { EngineError, EventRejectedError, isTransientPgError, type Rejection } from './errors';
import { persist, restore, start, step, type AnyEventObject, type MachineAdapter, type MachineSet, type RowValues, type JobProjection } from './machines';
import { taskPriority } from '@regbatch/machines';
import { changedColumns, ident, param, setList, stableJson, stepStatuses } from './rows';
import type { SecretStore } from '../secrets/store';
import { generateAccountPassword } from '@regbatch/automation';

export type TargetType = 'job' | 'batch';
export interface Target {
  readonly type: TargetType;
  readonly id: string;
}

/** Who sends an event. A user's command is checked for visibility as that user (RLS) before the engine applies it. */
export type Actor =
  | { readonly type: 'user'; readonly userId: string; readonly claims?: Record<string, unknown> }
  | { readonly type: 'system'; readonly name: string };

export interface Applied {
  readonly ok: true;
  readonly target: Target;
  readonly revision: number;
  readonly snapshot: AnyMachineSnapshot;
  readonly tasksCreated: number;
}
export type ApplyResult = Applied | Rejection;

/** Marks the task whose result this event reports; the result applies only if that task is still ours. */
export interface TaskFence {
  readonly taskId: string;
  readonly owner: string;
  readonly status: 'succeeded' | 'failed';
  readonly output?: unknown;
  readonly error?: unknown;
}

export interface ApplyOptions {
  readonly expectedRevision?: number;
  readonly fence?: TaskFence;
}

export interface EngineDeps {
  readonly db: Db;
  readonly log: Logger;
  readonly secrets: SecretStore;
  readonly machines?: MachineSet;
  readonly clock?: Clock;
  /** Source of the host's jitter; Math.random by default. */
  readonly random?: () => number;
}

export const CHANNEL_TASKS = 'regbatch_tasks';
export const CHANNEL_EVENTS = 'regbatch_events';
export const CHANNEL_CANCEL = 'regbatch_task_cancel';

const JOB_IDENTITY = ['id', 'batch_job_id', 'restaurant_id', 'organisation_id', 'created_at', 'updated_at'];
const BATCH_IDENTITY = ['id', 'organisation_id', 'created_at', 'updated_at'];

interface LockedRow {
  id: string;
  batch_id: string;
  organisation_id: string;
  restaurant_id: string | null;
  machine_snapshot: unknown;
  machine_version: number | null;
  revision: string | number;
}

interface TxNotes {
  events: { t: TargetType; id: string; rev: number; batch: string; type: string }[];
  taskKinds: Set<string>;
  cancelled: string[];
  tasksCreated: number;
  commit: (() => void)[];
}

export interface Engine {
  applyEvent(target: Target, event: AnyEventObject, actor: Actor, opts?: ApplyOptions): Promise<ApplyResult>;
  applyEventOrThrow(target: Target, event: AnyEventObject, actor: Actor, opts?: ApplyOptions): Promise<Applied>;
  createBatch(input: CreateBatchInput): Promise<CreatedBatch>;
  /** Adds restaurants to a batch that has not started (draft or pending): job rows, steps, snapshots and `batch.addJobs`, in one transaction. */
  addJobs(batchId: string, restaurants: readonly CreateBatchRestaurant[], actor: Actor): Promise<EditedBatch>;
  /** Removes jobs (by job or restaurant id) from a batch that has not started, with `batch.removeJobs`, in one transaction. */
  removeJobs(batchId: string, which: JobSelector, actor: Actor): Promise<EditedBatch>;
  readonly machines: MachineSet;
}

export type JobSelector = { readonly jobIds: readonly string[] } | { readonly restaurantIds: readonly string[] };

export interface EditedBatch {
  readonly batchId: string;
  /** The jobs added or removed. */
  readonly jobIds: string[];
  readonly revision: number;
  readonly totalRestaurants: number;
}

export interface CreateBatchRestaurant {
  /** RestaurantFacts as the job machine takes them; `id` is the restaurant's id. */
  readonly restaurant: { readonly id: string } & Record<string, unknown>;
  readonly executionConfig?: unknown;
  readonly maxRetries?: number;
  /** How the job answers its two human steps without a person (the machines' AutoPolicies); default: always ask. */
  readonly autoPolicies?: { readonly select: 'confident' | 'never'; readonly config: 'defaults' | 'never' };
}

export interface CreateBatchInput {
  readonly organisationId: string;
  readonly name: string;
  readonly mode?: 'parallel' | 'sequential';
  readonly draft?: boolean;
  readonly createdBy?: string | null;
  readonly sourceLeadScrapeJobId?: string | null;
  readonly restaurants: readonly CreateBatchRestaurant[];
}

export interface CreatedBatch {
  readonly batchId: string;
  readonly jobIds: string[];
}

export function createEngine(deps: EngineDeps & { machines: MachineSet }): Engine {
  const { db, log, secrets, machines } = deps;
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? Math.random;
  // The snapshot and projection this process last wrote per row, by revision: restoring and projecting a job
  // costs milliseconds, and the row's next event usually comes through the same process. A hit requires the
  // stored revision to be the one we wrote, so a write by any other process simply misses.
  const recent = new Map<string, { revision: number; snapshot: AnyMachineSnapshot; projection: unknown }>();
  const remember = (key: string, entry: { revision: number; snapshot: AnyMachineSnapshot; projection: unknown }) => {
    recent.delete(key);
    recent.set(key, entry);
    if (recent.size > 5_000) recent.delete(recent.keys().next().value as string);
  };

  async function transact<T>(fn: (trx: Db) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction().execute(fn);
      } catch (err) {
        if (attempt < 8 && isTransientPgError(err)) {
          log.debug({ attempt, code: (err as { code?: string }).code }, 'transaction retried after deadlock/serialization failure');
          continue;
        }
        throw err;
      }
    }
  }

  async function checkVisible(trx: Db, target: Target, actor: Actor & { type: 'user' }): Promise<void> {
    const claims = { sub: actor.userId, role: 'authenticated', ...(actor.claims ?? {}) };
    await sql`set local role authenticated`.execute(trx);
    await sql`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`.execute(trx);
    const table = target.type === 'job' ? sql`registration_jobs` : sql`registration_batch_jobs`;
    const { rows } = await sql`select 1 from ${table} where id = ${target.id}`.execute(trx);
    await sql`reset role`.execute(trx);
    await sql`select set_config('request.jwt.claims', '', true)`.execute(trx);
    if (rows.length === 0) {
      throw new EngineError('not_visible', `${target.type} ${target.id} does not exist or is not visible to user ${actor.userId}`);
    }
  }

  /**
   * Locks the row and reads it. With `cached` (this process's last write), the snapshot comes back only when the row moved past it
   * (another process wrote it): the usual next event of a row this process just wrote then skips detoasting and
   * sending ≈6 KB of snapshot.
   */
  async function lockRow(trx: Db, target: Target, cached: { revision: number; version: number } | null): Promise<LockedRow & { has_snapshot: boolean }> {
    // FOR NO KEY UPDATE, not FOR UPDATE: it excludes every other writer of the row just the same, but lets the
    // foreign-key checks of task inserts for this job (FOR KEY SHARE) through, which FOR UPDATE would block.
    const snapshot = cached
      ? sql`case when revision = ${cached.revision} and machine_version = ${cached.version} then null else machine_snapshot end as machine_snapshot`
      : sql`machine_snapshot`;
    const q =
      target.type === 'job'
        ? sql<LockedRow & { has_snapshot: boolean }>`select id, batch_job_id as batch_id, organisation_id, restaurant_id, ${snapshot},
              machine_snapshot is not null as has_snapshot, machine_version, revision
            from registration_jobs where id = ${target.id} for no key update`
        : sql<LockedRow & { has_snapshot: boolean }>`select id, id as batch_id, organisation_id, null as restaurant_id, ${snapshot},
              machine_snapshot is not null as has_snapshot, machine_version, revision
            from registration_batch_jobs where id = ${target.id} for no key update`;
    const row = (await q.execute(trx)).rows[0];
    if (!row) throw new EngineError('not_found', `${target.type} ${target.id} does not exist`);
    return row;
  }

  function adapterOf(type: TargetType): MachineAdapter<JobProjection> | MachineAdapter<RowValues> {
    return type === 'job' ? machines.job : machines.batch;
  }

  async function applyLocked(trx: Db, target: Target, rawEvent: AnyEventObject, actor: Actor, opts: ApplyOptions, notes: TxNotes): Promise<ApplyResult> {
    const adapter = adapterOf(target.type);
    const cacheKey = `${target.type}:${target.id}`;
    const hit = recent.get(cacheKey);
    const row = await lockRow(trx, target, hit ? { revision: hit.revision, version: adapter.version } : null);
    if (!row.has_snapshot) {
      throw new EngineError('no_snapshot', `${target.type} ${target.id} was written by the original implementation and is read-only`);
    }
    const revision = Number(row.revision);
    if (opts.expectedRevision !== undefined && opts.expectedRevision !== revision) {
      return { ok: false, code: 'revision_mismatch', message: `expected revision ${opts.expectedRevision}, found ${revision}` };
    }
    if (opts.fence) {
      const f = opts.fence;
      const res = await sql`update registration_tasks set status = ${f.status}, output = ${param(f.output ?? null)}, error = ${param(f.error ?? null)},
          finished_at = now(), lease_owner = null, lease_expires_at = null
        where id = ${f.taskId} and status = 'running' and lease_owner = ${f.owner}`.execute(trx);
      if (Number(res.numAffectedRows ?? 0) === 0) {
        return { ok: false, code: 'fenced', message: `task ${f.taskId} is no longer held by ${f.owner} (cancelled, finished or lease lost)` };
      }
    }

    let persisted: unknown = row.machine_snapshot;
    const fromVersion = row.machine_version ?? 1;
    let migrated = false;
    if (fromVersion > adapter.version) {
      throw new EngineError('snapshot_unsupported', `${target.type} ${target.id} has machine version ${fromVersion}, newer than this build's ${adapter.version}`);
    }
    if (fromVersion < adapter.version) {
      try {
        persisted = adapter.migrate(persisted, fromVersion);
        migrated = true;
      } catch (cause) {
        throw new EngineError('snapshot_unsupported', `${target.type} ${target.id}: no migration from machine version ${fromVersion}: ${String(cause)}`);
      }
    }
    const cached = !migrated && hit && hit.revision === revision ? hit : undefined;
    const snapshot = cached ? cached.snapshot : restore(adapter.machine, persisted);
    if (snapshot.status !== 'active') {
      return { ok: false, code: 'target_final', message: `${target.type} ${target.id} is final (${String(snapshot.value)}); ${rawEvent.type} refused` };
    }

    let event: AnyEventObject = { ...rawEvent, at: typeof rawEvent.at === 'string' ? rawEvent.at : clock.now().toISOString() };
    const paths = machines.secretPaths(event);
    if (paths.length > 0) event = await secrets.seal(event, paths, { organisationId: row.organisation_id, purpose: event.type }, trx);

    const verdict = adapter.check ? adapter.check(snapshot, event) : { ok: snapshot.can(event as never) };
    if (!verdict.ok) {
      return {
        ok: false,
        code: verdict.code === 'validation_failed' || verdict.code === 'target_final' ? verdict.code : 'not_applicable',
        message: verdict.message ?? `${target.type} ${target.id} in state ${JSON.stringify(snapshot.value)} does not take ${event.type}`,
        ...(verdict.fieldErrors ? { fieldErrors: verdict.fieldErrors } : {}),
      };
    }

    const [next, actions] = step(adapter.machine, snapshot, event);
    const fx = readEffects(actions);
    const newRevision = revision + 1;
    const nextPersisted = persist(adapter.machine, next);

    let nextProjection: unknown;
    if (target.type === 'job') {
      const a = adapter as MachineAdapter<JobProjection>;
      const prev = migrated ? null : cached ? (cached.projection as JobProjection) : a.project(snapshot);
      const proj = a.project(next);
      nextProjection = proj;
      await writeJob(trx, row, prev, proj, nextPersisted, adapter.version, revision);
    } else {
      const a = adapter as MachineAdapter<RowValues>;
      const prev = migrated ? null : cached ? (cached.projection as RowValues) : a.project(snapshot);
      const proj = a.project(next);
      nextProjection = proj;
      await writeBatch(trx, row, prev, proj, nextPersisted, adapter.version, revision);
    }
    // Remembered only once the transaction commits (see applyEvent), so a rollback cannot leave a stale entry.
    notes.commit.push(() => remember(cacheKey, { revision: newRevision, snapshot: next, projection: nextProjection }));

    await sql`insert into registration_job_events (job_id, batch_id, organisation_id, revision, event, state_before, state_after, actor)
      values (${target.type === 'job' ? row.id : null}, ${row.batch_id}, ${row.organisation_id}, ${newRevision}, ${JSON.stringify(event)},
        ${JSON.stringify(snapshot.value)}, ${JSON.stringify(next.value)}, ${actorLabel(actor)})`.execute(trx);
    notes.events.push({ t: target.type, id: row.id, rev: newRevision, batch: row.batch_id, type: event.type });

    await writeEffects(trx, target, row, fx, newRevision, notes);

    if (target.type === 'job') {
      for (const follow of fx.notifyBatch) {
        const res = await applyLocked(trx, { type: 'batch', id: row.batch_id }, { ...follow, jobId: row.id, at: event.at }, { type: 'system', name: `job:${row.id}` }, {}, notes);
        if (!res.ok) log.debug({ jobId: row.id, event: follow.type, code: res.code }, 'batch did not take job follow-up');
      }
    }
    return { ok: true, target, revision: newRevision, snapshot: next, tasksCreated: notes.tasksCreated };
  }

  async function writeJob(trx: Db, row: LockedRow, prev: JobProjection | null, next: JobProjection, snap: unknown, version: number, revision: number): Promise<void> {
    const cols = changedColumns(prev?.job ?? null, next.job, JOB_IDENTITY);
    const statuses = stepStatuses(next.steps);
    if (!prev || stepStatuses(prev.steps) !== statuses) cols.push(['step_statuses', statuses]);
    const res = await sql`update registration_jobs set machine_snapshot = ${JSON.stringify(snap)}, machine_version = ${version}, revision = revision + 1
        ${cols.length ? sql`, ${sql.join(setList(cols))}` : sql``}
      where id = ${row.id} and revision = ${revision}`.execute(trx);
    if (Number(res.numAffectedRows ?? 0) !== 1) throw new EngineError('not_found', `job ${row.id} changed under its lock (revision ${revision})`, true);
    for (const s of next.steps) {
      const n = s.step_number;
      const before = prev?.steps.find((p) => p.step_number === n) ?? null;
      const sc = changedColumns(before, s, ['id', 'job_id', 'step_number', 'created_at', 'updated_at']);
      if (sc.length) await sql`update registration_job_steps set ${sql.join(setList(sc))} where job_id = ${row.id} and step_number = ${n}`.execute(trx);
    }
    if (next.searchCandidates) {
      const before = prev?.searchCandidates ?? null;
      const cc = changedColumns(before, next.searchCandidates, ['id', 'restaurant_id', 'registration_job_id', 'created_at', 'updated_at']);
      if (cc.length) {
        if (!before) {
          const all = changedColumns(null, next.searchCandidates, ['id', 'restaurant_id', 'registration_job_id', 'created_at', 'updated_at']);
          await sql`insert into companies_office_search_candidates (restaurant_id, registration_job_id, ${sql.join(all.map(([k]) => ident(k)))})
            values (${row.restaurant_id}, ${row.id}, ${sql.join(all.map(([, v]) => sql`${param(v)}`))})
            on conflict (restaurant_id, registration_job_id) do update set ${sql.join(setList(all))}`.execute(trx);
        } else {
          await sql`update companies_office_search_candidates set ${sql.join(setList(cc))} where registration_job_id = ${row.id}`.execute(trx);
        }
      }
    }
  }

  async function writeBatch(trx: Db, row: LockedRow, prev: RowValues | null, next: RowValues, snap: unknown, version: number, revision: number): Promise<void> {
    const cols = changedColumns(prev, next, BATCH_IDENTITY);
    const res = await sql`update registration_batch_jobs set machine_snapshot = ${JSON.stringify(snap)}, machine_version = ${version}, revision = revision + 1
        ${cols.length ? sql`, ${sql.join(setList(cols))}` : sql``}
      where id = ${row.id} and revision = ${revision}`.execute(trx);
    if (Number(res.numAffectedRows ?? 0) !== 1) throw new EngineError('not_found', `batch ${row.id} changed under its lock (revision ${revision})`, true);
  }

  async function writeEffects(trx: Db, target: Target, row: LockedRow, fx: Effects, newRevision: number, notes: TxNotes): Promise<void> {
    const owner = row.id;
    const now = clock.now();
    const inserts: TaskRow[] = [];
    for (const t of fx.runTasks) {
      const input = t.input as { jobId?: string } | null;
      inserts.push({
        kind: t.kind,
        job_id: t.kind === 'deliver' ? (input?.jobId ?? null) : target.type === 'job' ? row.id : null,
        batch_id: row.batch_id,
        organisation_id: row.organisation_id,
        task: t.task,
        idempotency_key: `${owner}:${t.task}`,
        attempt: t.attempt,
        input: t.input,
        run_at: null,
      });
    }
    for (const s of fx.schedules) {
      const delay = jitteredDelay(s.delayMs, s.jitter, random);
      inserts.push({
        kind: 'timer',
        job_id: target.type === 'job' ? row.id : null,
        batch_id: row.batch_id,
        organisation_id: row.organisation_id,
        task: `timer:${s.id}`,
        idempotency_key: `${owner}:timer:${s.id}`,
        attempt: newRevision,
        input: { target: { type: target.type, id: row.id }, event: s.event ?? { type: 'timer.fired', id: s.id } },
        run_at: new Date(now.getTime() + delay).toISOString(),
      });
    }
    const cancelKeys = [...fx.cancelTasks.map((t) => `${owner}:${t}`), ...fx.cancelSchedules.map((id) => `${owner}:timer:${id}`)];
    if (cancelKeys.length) {
      const { rows } = await sql<{ id: string; was_running: boolean }>`
        update registration_tasks set status = 'cancelled', finished_at = now(), lease_expires_at = null
        where idempotency_key = any(${cancelKeys}::text[]) and status in ('queued', 'running')
        returning id, lease_owner is not null as was_running`.execute(trx);
      for (const r of rows) if (r.was_running) notes.cancelled.push(r.id);
    }
    if (inserts.length) {
      const res = await insertTasks(trx, inserts);
      notes.tasksCreated += res;
      for (const t of inserts) if (t.run_at === null) notes.taskKinds.add(t.kind);
      if (fx.schedules.length) notes.taskKinds.add('timer');
    }
  }

  async function notify(trx: Db, notes: TxNotes): Promise<void> {
    // One statement for all three channels: every applied event pays this round trip.
    const calls = [
      ...(notes.events.length ? [sql`pg_notify(${CHANNEL_EVENTS}, ${JSON.stringify(notes.events.length > 20 ? notes.events.slice(0, 20) : notes.events)})`] : []),
      ...(notes.taskKinds.size ? [sql`pg_notify(${CHANNEL_TASKS}, ${[...notes.taskKinds].join(',')})`] : []),
      ...(notes.cancelled.length ? [sql`pg_notify(${CHANNEL_CANCEL}, ${notes.cancelled.join(',')})`] : []),
    ];
    if (calls.length) await sql`select ${sql.join(calls)}`.execute(trx);
  }

  /** One command transaction: visibility as the user, then `fn` under the engine's locks, NOTIFY, commit hooks. */
  async function command<T>(target: Target, actor: Actor, fn: (trx: Db, notes: TxNotes) => Promise<T>, wake?: (res: T, notes: TxNotes) => void): Promise<T> {
    const { res, notes } = await transact(async (trx) => {
      if (actor.type === 'user') await checkVisible(trx, target, actor);
      const notes: TxNotes = { events: [], taskKinds: new Set(), cancelled: [], tasksCreated: 0, commit: [] };
      const res = await fn(trx, notes);
      wake?.(res, notes);
      await notify(trx, notes);
      return { res, notes };
    });
    for (const f of notes.commit) f();
    return res;
  }

  const applyEvent: Engine['applyEvent'] = async (target, event, actor, opts = {}) => {
    if (!event || typeof event.type !== 'string') throw new EngineError('invalid_input', `event must be an object with a string "type", got ${JSON.stringify(event)}`);
    return command(
      target,
      actor,
      (trx, notes) => applyLocked(trx, target, event, actor, opts, notes),
      (res, notes) => {
        // A finished task frees a slot under the global limits, and a batch event may resume one: wake claimers.
        if (opts.fence) notes.taskKinds.add('slot');
        if (target.type === 'batch' && res.ok) notes.taskKinds.add('batch');
      },
    );
  };

  const applyEventOrThrow: Engine['applyEventOrThrow'] = async (target, event, actor, opts) => {
    const res = await applyEvent(target, event, actor, opts);
    if (!res.ok) throw new EventRejectedError(res);
    return res;
  };

  interface JobsSpec {
    readonly batchId: string;
    readonly batchName: string;
    readonly organisationId: string;
    readonly restaurants: readonly CreateBatchRestaurant[];
    readonly jobIds: readonly string[];
    readonly at: string;
    readonly creator: string;
  }

  /**
   * Inserts the jobs of `spec` (creation of a batch, or restaurants added before it starts): each job's initial
   * snapshot, its six step rows, its search row and its `engine.created` event, after `leadEvents`.
   */
  async function insertJobs(trx: Db, spec: JobsSpec, leadEvents: readonly RowValues[] = []): Promise<void> {
    const { batchId, organisationId, at, creator } = spec;
    let fastInitial: boolean | null = null;
    const jobRows: RowValues[] = [];
    const stepRows: RowValues[] = [];
    const candRows: RowValues[] = [];
    const eventRows: RowValues[] = [...leadEvents];
    // Without a preset configuration, step 5's defaults need an account password even when no company is matched
    // (step 4 then never runs). A restaurant whose platform account an earlier job created keeps that account's
    // password (its reference is in pumpd_accounts), or a re-run could never log in to it; the others get one
    // generated and sealed now (one insert for all of them), so the machine only ever sees a reference.
    const existing = await existingAccountPasswords(trx, organisationId, spec.restaurants.map((r) => r.restaurant.id));
    const generated = await secrets.putMany(
      spec.restaurants.filter((r) => r.executionConfig === undefined && !existing.has(r.restaurant.id)).map(() => generateAccountPassword()),
      { organisationId, purpose: 'account_password' },
      trx,
    );
    for (let i = 0; i < spec.restaurants.length; i++) {
      const r = spec.restaurants[i]!;
      const jobId = spec.jobIds[i]!;
      const executionConfig =
        r.executionConfig === undefined
          ? undefined
          : await secrets.seal(r.executionConfig, machines.inputSecretPaths, { organisationId, purpose: 'execution_config' }, trx);
      const accountPasswordRef = executionConfig === undefined ? (existing.get(r.restaurant.id) ?? generated.shift()) : undefined;
      const jobInput = {
        jobId,
        batchId,
        organisationId,
        restaurant: r.restaurant,
        ...(executionConfig === undefined ? {} : { executionConfig }),
        ...(accountPasswordRef === undefined ? {} : { accountPasswordRef }),
        ...(r.maxRetries === undefined ? {} : { maxRetries: r.maxRetries }),
        ...(r.autoPolicies === undefined ? {} : { autoPolicies: r.autoPolicies }),
      };
      let jSnap: AnyMachineSnapshot;
      if (fastInitial === true) {
        jSnap = machines.job.initialSnapshot!(jobInput);
      } else {
        const [full, jActions] = start(machines.job.machine, jobInput);
        if (jActions.some((a) => a.type === 'runTask' || a.type === 'schedule')) {
          throw new EngineError('invalid_input', 'the job machine requested work on creation; jobs start through batch.start');
        }
        jSnap = full;
        // A full initial transition costs milliseconds per job; the adapter's shortcut is trusted for the rest of
        // these jobs only if it reproduces this one exactly.
        if (fastInitial === null && machines.job.initialSnapshot) {
          const same = stableJson(persist(machines.job.machine, machines.job.initialSnapshot(jobInput))) === stableJson(persist(machines.job.machine, full));
          fastInitial = same && jActions.every((a) => !['runTask', 'schedule', 'cancelTask', 'cancelSchedule', 'notifyBatch'].includes(a.type));
          if (!same) log.warn('the job machine adapter\'s initialSnapshot differs from the initial transition; not used');
        }
      }
      const p = machines.job.project(jSnap);
      jobRows.push({
        ...stripIdentity(p.job, JOB_IDENTITY),
        id: jobId,
        batch_job_id: batchId,
        restaurant_id: r.restaurant.id,
        organisation_id: organisationId,
        execution_config: executionConfig ?? p.job.execution_config ?? {},
        machine_snapshot: persist(machines.job.machine, jSnap),
        machine_version: machines.job.version,
        revision: 0,
        step_statuses: stepStatuses(p.steps),
      });
      for (const s of p.steps) stepRows.push({ ...stripIdentity(s, ['id', 'created_at', 'updated_at']), job_id: jobId });
      if (p.searchCandidates) {
        candRows.push({ ...stripIdentity(p.searchCandidates, ['id', 'created_at', 'updated_at']), restaurant_id: r.restaurant.id, registration_job_id: jobId });
      }
      eventRows.push({ job_id: jobId, batch_id: batchId, organisation_id: organisationId, revision: 0, event: { type: 'engine.created', input: jobInput, at }, state_after: jSnap.value, actor: creator });
    }
    try {
      await bulkInsert(trx, 'registration_jobs', jobRows);
    } catch (err) {
      const e = err as { code?: string; constraint?: string; detail?: string };
      if (e.code === '23505' && e.constraint === 'registration_jobs_unique_restaurant_batch') {
        const dup = /restaurant_id\)=\([^,]+, ([^)]+)\)/.exec(e.detail ?? '')?.[1];
        throw new EngineError('duplicate_restaurant', `restaurants: restaurant ${dup ?? '(see detail)'} appears more than once in batch "${spec.batchName}"`, false, e.detail);
      }
      if (e.code === '23503') throw new EngineError('invalid_input', `restaurants: ${e.detail ?? 'a restaurant does not exist'}`, false, e.detail);
      throw err;
    }
    await bulkInsert(trx, 'registration_job_steps', stepRows);
    if (candRows.length) await bulkInsert(trx, 'companies_office_search_candidates', candRows);
    await bulkInsert(trx, 'registration_job_events', eventRows);
  }

  /**
   * Applies batch.addJobs / batch.removeJobs under the batch's lock. The machine takes them only in draft and
   * pending; any other state becomes a thrown rejection that says why (the transaction then writes nothing).
   */
  async function editBatch(trx: Db, batchId: string, event: AnyEventObject, actor: Actor, notes: TxNotes): Promise<Applied> {
    const res = await applyLocked(trx, { type: 'batch', id: batchId }, event, actor, {}, notes);
    if (res.ok) return res;
    const { rows } = await sql<{ status: string }>`select status from registration_batch_jobs where id = ${batchId}`.execute(trx);
    throw new EventRejectedError({
      ok: false,
      code: res.code === 'target_final' ? 'target_final' : 'not_applicable',
      message: `batch ${batchId} is ${rows[0]?.status ?? 'unknown'}: restaurants can be added or removed only before it starts (draft or pending)`,
    });
  }

  function edited(batchId: string, jobIds: string[], res: Applied): EditedBatch {
    return { batchId, jobIds, revision: res.revision, totalRestaurants: Number(machines.batch.project(res.snapshot).total_restaurants ?? 0) };
  }

  const addJobs: Engine['addJobs'] = async (batchId, restaurants, actor) => {
    if (restaurants.length === 0) throw new EngineError('invalid_input', 'restaurants: add at least one restaurant (got 0)');
    const ids = restaurants.map((r) => r.restaurant.id);
    const twice = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
    if (twice.length) throw new EngineError('duplicate_restaurant', `restaurants: restaurant ${twice.join(', ')} appears more than once in the restaurants to add`);
    const jobIds = restaurants.map(() => randomUUID());
    const at = clock.now().toISOString();
    const target: Target = { type: 'batch', id: batchId };
    return command(target, actor, async (trx, notes) => {
      const res = await editBatch(trx, batchId, { type: 'batch.addJobs', jobIds, at }, actor, notes);
      // Under the batch's lock: no other edit of this batch can add the same restaurant meanwhile.
      const { rows: batch } = await sql<{ name: string; organisation_id: string }>`select name, organisation_id from registration_batch_jobs where id = ${batchId}`.execute(trx);
      const { name, organisation_id: organisationId } = batch[0]!;
      const { rows: present } = await sql<{ restaurant_id: string }>`
        select restaurant_id from registration_jobs where batch_job_id = ${batchId} and restaurant_id = any(${ids}::uuid[]) order by restaurant_id`.execute(trx);
      if (present.length) {
        throw new EngineError('duplicate_restaurant', `restaurants: restaurant ${present.map((r) => r.restaurant_id).join(', ')} is already in batch "${name}"`);
      }
      const { rows: foreign } = await sql<{ id: string }>`
        select id from restaurants where id = any(${ids}::uuid[]) and organisation_id is distinct from ${organisationId}`.execute(trx);
      if (foreign.length) {
        throw new EngineError('invalid_input', `restaurants: restaurant ${foreign.map((r) => r.id).join(', ')} belongs to another organisation than batch "${name}"`);
      }
      await insertJobs(trx, { batchId, batchName: name, organisationId, restaurants, jobIds, at, creator: actorLabel(actor) });
      notes.taskKinds.add('batch');
      log.info({ batchId, added: jobIds.length }, 'restaurants added to batch');
      return edited(batchId, jobIds, res);
    });
  };

  const removeJobs: Engine['removeJobs'] = async (batchId, which, actor) => {
    const byJob = 'jobIds' in which;
    const ids = [...new Set(byJob ? which.jobIds : which.restaurantIds)];
    const field = byJob ? 'jobIds' : 'restaurantIds';
    if (ids.length === 0) throw new EngineError('invalid_input', `${field}: remove at least one (got 0)`);
    const target: Target = { type: 'batch', id: batchId };
    return command(target, actor, async (trx, notes) => {
      // Jobs first, then the batch (the engine's lock order); a job being deleted needs the full row lock.
      const { rows } = await (byJob
        ? sql<{ id: string; key: string }>`select id, id as key from registration_jobs where batch_job_id = ${batchId} and id = any(${ids}::uuid[]) order by id for update`
        : sql<{ id: string; key: string }>`select id, restaurant_id as key from registration_jobs where batch_job_id = ${batchId} and restaurant_id = any(${ids}::uuid[]) order by id for update`
      ).execute(trx);
      const found = new Set(rows.map((r) => r.key));
      const missing = ids.filter((id) => !found.has(id));
      if (missing.length) {
        throw new EngineError('not_found', `${field}: ${byJob ? 'job' : 'restaurant'} ${missing.join(', ')} is not in batch ${batchId}`);
      }
      const jobIds = rows.map((r) => r.id);
      const res = await editBatch(trx, batchId, { type: 'batch.removeJobs', jobIds }, actor, notes);
      // Steps, events and tasks go with the job (on delete cascade); the search row would only lose its job id.
      await sql`delete from companies_office_search_candidates where registration_job_id = any(${jobIds}::uuid[])`.execute(trx);
      await sql`delete from registration_jobs where id = any(${jobIds}::uuid[])`.execute(trx);
      notes.taskKinds.add('batch');
      log.info({ batchId, removed: jobIds.length }, 'restaurants removed from batch');
      return edited(batchId, jobIds, res);
    });
  };

  const createBatch: Engine['createBatch'] = async (input) => {
    if (!input.name?.trim()) throw new EngineError('invalid_input', `batch name must not be empty (got ${JSON.stringify(input.name)})`);
    if (input.restaurants.length === 0) throw new EngineError('invalid_input', 'restaurants: a batch needs at least one restaurant (got 0)');
    const mode = input.mode ?? 'parallel';
    const batchId = randomUUID();
    const jobIds = input.restaurants.map(() => randomUUID());
    const at = clock.now().toISOString();

    return transact(async (trx) => {
      const batchInput = { batchId, organisationId: input.organisationId, name: input.name, mode, jobIds, draft: input.draft ?? false };
      const [bSnap, bActions] = start(machines.batch.machine, batchInput);
      const bRow = machines.batch.project(bSnap);
      await sql`insert into registration_batch_jobs (id, name, organisation_id, source_lead_scrape_job_id, execution_mode, created_by,
          machine_snapshot, machine_version, revision ${sqlCols(bRow, BATCH_IDENTITY.concat(['name', 'execution_mode', 'created_by', 'source_lead_scrape_job_id']))})
        values (${batchId}, ${input.name}, ${input.organisationId}, ${input.sourceLeadScrapeJobId ?? null}, ${mode}, ${input.createdBy ?? null},
          ${JSON.stringify(persist(machines.batch.machine, bSnap))}, ${machines.batch.version}, 0 ${sqlVals(bRow, BATCH_IDENTITY.concat(['name', 'execution_mode', 'created_by', 'source_lead_scrape_job_id']))})`.execute(trx);

      const creator = actorLabel(input.createdBy ? { type: 'user', userId: input.createdBy } : { type: 'system', name: 'engine' });
      const batchEvent = { job_id: null, batch_id: batchId, organisation_id: input.organisationId, revision: 0, event: { type: 'engine.created', input: batchInput, at }, state_after: bSnap.value, actor: creator };
      await insertJobs(trx, { batchId, batchName: input.name, organisationId: input.organisationId, restaurants: input.restaurants, jobIds, at, creator }, [batchEvent]);
      const notes: TxNotes = { events: [{ t: 'batch', id: batchId, rev: 0, batch: batchId, type: 'engine.created' }], taskKinds: new Set(), cancelled: [], tasksCreated: 0, commit: [] };
      const lockedBatch: LockedRow = { id: batchId, batch_id: batchId, organisation_id: input.organisationId, restaurant_id: null, machine_snapshot: null, machine_version: null, revision: 0 };
      await writeEffects(trx, { type: 'batch', id: batchId }, lockedBatch, readEffects(bActions), 0, notes);
      await notify(trx, notes);
      log.info({ batchId, jobs: jobIds.length }, 'batch created');
      return { batchId, jobIds };
    });
  };

  return { applyEvent, applyEventOrThrow, createBatch, addJobs, removeJobs, machines };
}

/** The event log's actor column: "user:<uuid>", or the system component's name ("engine", "worker:<id>", "job:<uuid>"). */
export function actorLabel(actor: Actor): string {
  return actor.type === 'user' ? `user:${actor.userId}` : actor.name;
}

function stripIdentity(row: RowValues, skip: readonly string[]): RowValues {
  return Object.fromEntries(Object.entries(row).filter(([k, v]) => !skip.includes(k) && v !== undefined));
}

function sqlCols(row: RowValues, skip: readonly string[]) {
  const cols = Object.keys(stripIdentity(row, skip));
  return cols.length ? sql`, ${sql.join(cols.map(ident))}` : sql``;
}
function sqlVals(row: RowValues, skip: readonly string[]) {
  const vals = Object.values(stripIdentity(row, skip));
  return vals.length ? sql`, ${sql.join(vals.map((v) => sql`${param(v)}`))}` : sql``;
}

/**
 * The password references of the platform accounts earlier jobs created for these restaurants (pumpd_accounts'
 * user_password_hint holds `secret_ref:<uuid>`, never a password), newest account first.
 */
export async function existingAccountPasswords(trx: Db, organisationId: string, restaurantIds: readonly string[]): Promise<Map<string, { secret_ref: string }>> {
  if (restaurantIds.length === 0) return new Map();
  const { rows } = await sql<{ restaurant_id: string; ref: string }>`
    select distinct on (restaurant_id) restaurant_id, substr(user_password_hint, 12) as ref
      from public.pumpd_accounts
     where organisation_id = ${organisationId} and restaurant_id = any(${[...restaurantIds]}::uuid[])
       and user_password_hint ~ '^secret_ref:[0-9a-f-]{36}$'
     order by restaurant_id, updated_at desc nulls last, created_at desc nulls last`.execute(trx);
  return new Map(rows.map((r) => [r.restaurant_id, { secret_ref: r.ref }]));
}

/** Inserts many rows in one statement: one JSON parameter expanded by jsonb_populate_recordset (columns named explicitly, so defaults apply to the rest). */
export async function bulkInsert(trx: Db, table: string, rows: readonly RowValues[], chunk = 5000): Promise<void> {
  if (rows.length === 0) return;
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    await sql`insert into ${ident(table)} (${sql.join(cols.map(ident))})
      select ${sql.join(cols.map(ident))} from jsonb_populate_recordset(null::${ident(table)}, ${JSON.stringify(part)}::jsonb)`.execute(trx);
  }
}

export interface TaskRow {
  kind: string;
  job_id: string | null;
  batch_id: string;
  organisation_id: string;
  task: string;
  idempotency_key: string;
  attempt: number;
  input: unknown;
  run_at: string | null;
}

/**
 * Inserts task rows; a row that already exists for (idempotency_key, attempt) is kept as it is. Returns how many were
 * new. Each task's priority is its kind's critical-path priority (machines' taskPriority), which the claim orders by.
 */
export async function insertTasks(trx: Db, rows: readonly TaskRow[]): Promise<number> {
  const prioritised = rows.map((r) => ({ ...r, priority: taskPriority(r.kind) }));
  const res = await sql`insert into registration_tasks (kind, job_id, batch_id, organisation_id, task, idempotency_key, attempt, input, run_at, priority, status)
    select kind, job_id, batch_id, organisation_id, task, idempotency_key, attempt, input, coalesce(run_at, now()), priority, 'queued'
    from jsonb_to_recordset(${JSON.stringify(prioritised)}::jsonb) as x(kind text, job_id uuid, batch_id uuid, organisation_id uuid, task text,
      idempotency_key text, attempt int, input jsonb, run_at timestamptz, priority int)
    on conflict (idempotency_key, attempt) do nothing`.execute(trx);
  return Number(res.numAffectedRows ?? 0);
}
