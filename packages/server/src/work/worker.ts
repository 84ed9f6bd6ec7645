// A worker process's task loop (DESIGN §4): wake on LISTEN (a slow poll only as a safety net), claim under the
// global limits, run handlers bounded by p-limit with a lease kept alive by heartbeats and an AbortSignal that fires
// on cancel, lease loss or shutdown, and report each result through applyEvent fenced by the task's lease.
//
// LISTEN needs a direct or session-mode connection (port 5432, or Supavisor in session mode): Supabase's
// transaction pooler (port 6543) does not carry notifications. Without `listenUrl` the worker falls back to polling.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import pLimit from 'p-limit';
import pg from 'pg';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../engine/db';
import { CHANNEL_CANCEL, CHANNEL_TASKS, type Engine, type Target } from '../engine/engine';
import type { AnyEventObject } from '../engine/machines';
import type { SecretStore } from '../secrets/store';
import { claimTasks, nextDueAt } from './claim';
import type { Limits } from './limits';
import { TaskFailure, type ClaimedTask, type HandlerRegistry } from './registry';

export interface WorkerOptions {
  readonly id?: string;
  /** Kinds this worker runs; default: every registered kind plus the engine's own `deliver` and `timer`. */
  readonly kinds?: readonly string[];
  /** Handlers running at once in this process. */
  readonly maxInProcess?: number;
  /** The engine's own short tasks (deliver, timer) at once: a separate lane, so long handlers never starve a cancel. */
  readonly maxInternal?: number;
  readonly leaseMs?: number;
  readonly heartbeatMs?: number;
  /** Safety-net poll; the hot path is LISTEN. */
  readonly pollMs?: number;
  readonly limits: Limits;
  /** Direct/session connection string for LISTEN; null = poll only. */
  readonly listenUrl: string | null;
  /** How long shutdown waits for aborted handlers before giving their tasks back anyway. */
  readonly shutdownGraceMs?: number;
}

export interface WorkerDeps {
  readonly db: Db;
  readonly engine: Engine;
  readonly secrets: SecretStore;
  readonly log: Logger;
  readonly registry: HandlerRegistry;
}

export interface Worker {
  readonly id: string;
  start(): Promise<void>;
  /** Stops claiming, aborts running handlers and gives their tasks back (queued again, lease cleared). */
  stop(): Promise<void>;
  /** Tasks running in this process now. */
  active(): number;
  /** Resolves when the loop has been idle (nothing running, nothing claimable) — for tests and dry runs. */
  readonly stats: { claimed: number; succeeded: number; failed: number; fenced: number; aborted: number };
}

export class TaskAbort extends Error {
  constructor(readonly reason: 'cancelled' | 'lease_lost' | 'shutdown') {
    super(`task aborted: ${reason}`);
    this.name = 'TaskAbort';
  }
}

/** Kinds the worker executes itself (they only apply an event), outside the handler slots. */
const INTERNAL_KINDS: readonly string[] = ['deliver', 'timer'];

interface Running {
  readonly task: ClaimedTask;
  readonly ac: AbortController;
}

export function createWorker(deps: WorkerDeps, options: WorkerOptions): Worker {
  const { db, engine, secrets, log: baseLog, registry } = deps;
  const id = options.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const log = baseLog.child({ worker: id });
  const maxInProcess = options.maxInProcess ?? 8;
  const leaseMs = options.leaseMs ?? 30_000;
  const heartbeatMs = options.heartbeatMs ?? Math.max(200, Math.floor(leaseMs / 3));
  const pollMs = options.pollMs ?? 5_000;
  const kinds = options.kinds ?? [...registry.keys(), 'deliver', 'timer'];
  const internalKinds = kinds.filter((k) => INTERNAL_KINDS.includes(k));
  const handlerKinds = kinds.filter((k) => !INTERNAL_KINDS.includes(k));
  const maxInternal = options.maxInternal ?? 16;
  const limit = pLimit(maxInProcess);
  const internalLimit = pLimit(maxInternal);
  const running = new Map<string, Running>();
  let internalRunning = 0;
  const settled = new Set<Promise<void>>();
  const stats = { claimed: 0, succeeded: 0, failed: 0, fenced: 0, aborted: 0 };
  const actor = { type: 'system' as const, name: `worker:${id}` };

  let stopping = false;
  let loopDone: Promise<void> | null = null;
  let wakeResolve: (() => void) | null = null;
  let wakePending = false;
  let listener: pg.Client | null = null;
  let heartbeatTimer: NodeJS.Timeout | null = null;

  function wake(): void {
    wakePending = true;
    wakeResolve?.();
  }

  function waitForWake(ms: number): Promise<void> {
    if (wakePending || stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, Math.max(0, ms));
      function done() {
        clearTimeout(t);
        wakeResolve = null;
        resolve();
      }
      wakeResolve = done;
    });
  }

  async function connectListener(): Promise<void> {
    if (!options.listenUrl || stopping) return;
    const client = new pg.Client({ connectionString: options.listenUrl });
    client.on('notification', (msg) => {
      if (msg.channel === CHANNEL_CANCEL && msg.payload) {
        for (const taskId of msg.payload.split(',')) running.get(taskId)?.ac.abort(new TaskAbort('cancelled'));
      } else {
        wake();
      }
    });
    client.on('error', (err) => {
      log.warn({ err: err.message }, 'LISTEN connection lost; reconnecting');
      listener = null;
      client.end().catch(() => undefined);
      if (!stopping) setTimeout(() => void connectListener().catch((e: unknown) => log.warn({ err: String(e) }, 'LISTEN reconnect failed')), 1000);
      wake();
    });
    await client.connect();
    await client.query(`listen ${CHANNEL_TASKS}`);
    await client.query(`listen ${CHANNEL_CANCEL}`);
    listener = client;
  }

  let lastHeartbeatOk = Date.now();

  async function heartbeat(): Promise<void> {
    const ids = [...running.keys()];
    if (ids.length === 0) {
      lastHeartbeatOk = Date.now();
      return;
    }
    // One row per statement: a multi-row update locks its rows in no fixed order and deadlocked against
    // transactions that cancel or finish several of the same tasks (seen in the recovery benchmark).
    const alive = new Set<string>();
    for (const taskId of ids) {
      const { rows } = await sql<{ id: string }>`
        update registration_tasks set lease_expires_at = now() + make_interval(secs => ${leaseMs / 1000}), heartbeat_at = now()
         where id = ${taskId}::uuid and status = 'running' and lease_owner = ${id}
         returning id`.execute(db);
      if (rows.length > 0) alive.add(taskId);
    }
    lastHeartbeatOk = Date.now();
    for (const taskId of ids) {
      if (!alive.has(taskId)) running.get(taskId)?.ac.abort(new TaskAbort('lease_lost'));
    }
  }

  function resultTarget(t: ClaimedTask): Target {
    return t.jobId ? { type: 'job', id: t.jobId } : { type: 'batch', id: t.batchId ?? '' };
  }

  async function execute(t: ClaimedTask, ac: AbortController): Promise<void> {
    const tlog = log.child({ taskId: t.id, kind: t.kind, task: t.task, attempt: t.attempt, jobId: t.jobId });
    if (t.kind === 'timer') {
      const input = t.input as { target: Target; event: AnyEventObject };
      const res = await engine.applyEvent(input.target, input.event, actor, { fence: { taskId: t.id, owner: id, status: 'succeeded' } });
      if (!res.ok && res.code === 'fenced') stats.fenced++;
      else stats.succeeded++;
      return;
    }
    if (t.kind === 'deliver') {
      // Applied in the job's own transaction; a job that no longer takes the command (already started,
      // cancelled) rejects it harmlessly, so a re-delivery after a crash is safe.
      const input = t.input as { jobId: string; event: AnyEventObject };
      const res = await engine.applyEvent({ type: 'job', id: input.jobId }, input.event, actor);
      const out = res.ok ? { applied: true, revision: res.revision } : { applied: false, code: res.code, message: res.message };
      const fin = await sql`update registration_tasks set status = 'succeeded', output = ${JSON.stringify(out)}, finished_at = now(),
          lease_owner = null, lease_expires_at = null
        where id = ${t.id} and status = 'running' and lease_owner = ${id}`.execute(db);
      if (Number(fin.numAffectedRows ?? 0) === 0) stats.fenced++;
      else stats.succeeded++;
      await sql`select pg_notify(${CHANNEL_TASKS}, 'slot')`.execute(db);
      return;
    }
    const handler = registry.get(t.kind);
    let outcome: { ok: true; output: unknown } | { ok: false; error: ReturnType<TaskFailure['toEventError']> };
    if (!handler) {
      outcome = { ok: false, error: { code: 'no_handler', message: `no handler registered for task kind "${t.kind}"`, retryable: false } };
    } else {
      try {
        const input = await secrets.revealDeep(t.input);
        const sealSecret = (plaintext: string, purpose: string) => secrets.put(plaintext, { organisationId: t.organisationId, purpose });
        const output = await handler({ task: t, input, signal: ac.signal, idempotencyKey: t.idempotencyKey, workerId: id, db, log: tlog, sealSecret });
        outcome = { ok: true, output: output ?? null };
      } catch (err) {
        if (ac.signal.aborted) {
          stats.aborted++;
          tlog.info({ reason: (ac.signal.reason as TaskAbort | undefined)?.reason }, 'handler aborted');
          return;
        }
        outcome = {
          ok: false,
          error: err instanceof TaskFailure ? err.toEventError() : { code: 'handler_error', message: err instanceof Error ? err.message : String(err), retryable: true },
        };
      }
    }
    if (ac.signal.aborted) {
      // Cancelled or lease lost while finishing: the result is no longer ours to report.
      stats.aborted++;
      return;
    }
    const event = outcome.ok
      ? { type: 'task.succeeded', task: t.task, attempt: t.attempt, output: outcome.output }
      : { type: 'task.failed', task: t.task, attempt: t.attempt, error: outcome.error };
    const res = await engine.applyEvent(resultTarget(t), event, actor, {
      fence: outcome.ok
        ? { taskId: t.id, owner: id, status: 'succeeded', output: outcome.output }
        : { taskId: t.id, owner: id, status: 'failed', error: outcome.error },
    });
    if (!res.ok && res.code === 'fenced') stats.fenced++;
    else if (outcome.ok) stats.succeeded++;
    else {
      stats.failed++;
      tlog.info({ error: outcome.error }, 'task failed');
    }
  }

  function launch(t: ClaimedTask): void {
    const ac = new AbortController();
    running.set(t.id, { task: t, ac });
    stats.claimed++;
    const internal = INTERNAL_KINDS.includes(t.kind);
    if (internal) internalRunning++;
    const p: Promise<void> = (internal ? internalLimit : limit)(() => execute(t, ac))
      .catch((err: unknown) => {
        // Infrastructure failure (database gone): leave the task to its lease; another worker picks it up.
        log.error({ err: err instanceof Error ? err.message : String(err), taskId: t.id }, 'reporting a task result failed');
      })
      .finally(() => {
        if (internal) internalRunning--;
        running.delete(t.id);
        settled.delete(p);
        wake();
      });
    settled.add(p);
  }

  async function loop(): Promise<void> {
    while (!stopping) {
      wakePending = false;
      let waitMs = pollMs;
      try {
        const freeInternal = maxInternal - internalRunning;
        const freeHandlers = maxInProcess - (running.size - internalRunning);
        const claimed = await claimTasks(db, {
          owner: id,
          lanes: [
            { kinds: internalKinds, max: freeInternal },
            { kinds: handlerKinds, max: freeHandlers },
          ],
          leaseMs,
          limits: options.limits,
        });
        for (const t of claimed.tasks) launch(t);
        // Claim again at once after a claim: more may be due. An empty round waits for a wake-up instead.
        if (claimed.tasks.length > 0) continue;
        // With every slot of this process taken, only a local task finishing can change that (it wakes the loop).
        const full = (internalKinds.length === 0 || freeInternal <= 0) && (handlerKinds.length === 0 || freeHandlers <= 0);
        if (!full) {
          const due = await nextDueAt(db);
          const now = Date.now();
          if (due !== null) waitMs = Math.min(waitMs, due - now + 5);
          if (claimed.wakeAt !== null) waitMs = Math.min(waitMs, claimed.wakeAt - now + 5);
        }
      } catch (err) {
        log.error({ err: err instanceof Error ? err.message : String(err) }, 'claim failed; retrying after the poll interval');
        waitMs = Math.min(pollMs, 1000);
      }
      await waitForWake(waitMs);
    }
  }

  return {
    id,
    stats,
    active: () => running.size,
    async start() {
      await connectListener().catch((err: unknown) => log.warn({ err: String(err) }, 'LISTEN unavailable; polling only'));
      heartbeatTimer = setInterval(() => {
        heartbeat().catch((err: unknown) => {
          log.warn({ err: String(err) }, 'heartbeat failed');
          // Unable to renew for a whole lease: other workers may already hold these tasks, so stop ours.
          if (Date.now() - lastHeartbeatOk >= leaseMs) {
            for (const r of running.values()) r.ac.abort(new TaskAbort('lease_lost'));
          }
        });
      }, heartbeatMs);
      loopDone = loop();
      log.info({ kinds: kinds.length, maxInProcess, leaseMs, listen: Boolean(listener) }, 'worker started');
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      log.info({ running: running.size }, 'worker stopping: finishing the claim loop');
      wake();
      await loopDone;
      for (const r of running.values()) r.ac.abort(new TaskAbort('shutdown'));
      const grace = new Promise((r) => setTimeout(r, options.shutdownGraceMs ?? 5_000));
      await Promise.race([Promise.allSettled([...settled]), grace]);
      if (heartbeatTimer) clearInterval(heartbeatTimer);
      const res = await sql`update registration_tasks set status = 'queued', lease_owner = null, lease_expires_at = null, heartbeat_at = null
        where lease_owner = ${id} and status = 'running'`.execute(db);
      const givenBack = Number(res.numAffectedRows ?? 0);
      if (givenBack) await sql`select pg_notify(${CHANNEL_TASKS}, 'slot')`.execute(db);
      await listener?.end().catch(() => undefined);
      listener = null;
      log.info({ givenBack, ...stats }, 'worker stopped');
    },
  };
}
