// batches.*: list (tabs by status incl. "needs attention", paginated, pending-review counts), get, create, add/remove
// restaurants (before start), start, pause, resume, cancel (admin), export (CSV of results), stateCounts (jobs per
// machine state and time in state), and the live onChange stream. Reads run as the user (RLS); commands go through the engine.
import { sql, type Transaction } from 'kysely';
import { stringify } from 'csv-stringify/sync';
import { ExecutionConfigSchema } from '@regbatch/machines';
import type { DB } from '../../db/index';
import type { AuthUser } from '../../auth/users';
import { asUser, endUserRole, visibleOrganisations } from '../context';
import { ApiError, toTRPCError, zodFieldErrors } from '../errors';
import { command, userActor } from '../commands';
import type { CreateBatchRestaurant } from '../../engine/engine';
import { maskSecrets } from '../mask';
import { iso, num, restaurantFacts, statePaths } from '../rows';
import { adminProcedure, authedProcedure, router } from '../trpc';
import { eventStream } from '../live';
import {
  batchCancelInput,
  batchesCreateInput,
  batchesListInput,
  batchIdInput,
  batchRestaurantsInput,
  batchStreamInput,
  listStreamInput,
  type BatchListFilter,
} from '../schemas';

type Trx = Transaction<DB>;

export interface BatchSummary {
  id: string;
  name: string;
  status: string;
  executionMode: string;
  totalRestaurants: number;
  completedRestaurants: number;
  failedRestaurants: number;
  currentStep: number | null;
  createdAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  cancelledAt: string | null;
  paused: boolean;
  /** Written by the original implementation (no machine snapshot): shown, never driven. */
  readOnly: boolean;
  pendingReviews: number;
  organisationId: string;
  /** The first three restaurants (the list's chips). */
  restaurantsPreview: { id: string; name: string }[];
}

interface BatchRow {
  id: string;
  name: string;
  status: string;
  execution_mode: string;
  total_restaurants: number | null;
  completed_restaurants: number | null;
  failed_restaurants: number | null;
  current_step: number | null;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  cancelled_at: Date | null;
  metadata: Record<string, unknown> | null;
  read_only: boolean;
  organisation_id: string;
  revision: string;
}

const BATCH_COLUMNS = sql`b.id, b.name, b.status, b.execution_mode, b.total_restaurants, b.completed_restaurants, b.failed_restaurants,
  b.current_step, b.created_at, b.started_at, b.completed_at, b.cancelled_at, b.metadata, b.machine_snapshot is null as read_only,
  b.organisation_id, b.revision::text as revision`;

/**
 * A batch's jobs by status and its steps by number and status, grouped on the jobs' step_statuses column (one
 * read of the batch's jobs, not of its six step rows per job); jobs without it, written by the original
 * implementation, are counted from their step rows.
 */
async function batchCounters(trx: Trx, batchId: string) {
  const { rows } = await sql<{ status: string; step_statuses: string[] | null; n: string }>`
    select status, step_statuses, count(*)::text as n from registration_jobs where batch_job_id = ${batchId} group by 1, 2`.execute(trx);
  const jobsByStatus: Record<string, number> = {};
  const stepSummary: Record<string, Record<string, number>> = {};
  for (let n = 1; n <= 6; n++) stepSummary[`step_${n}`] = {};
  const add = (step: number, status: string, n: number) => {
    const byStatus = stepSummary[`step_${step}`];
    if (byStatus) byStatus[status] = (byStatus[status] ?? 0) + n;
  };
  let withoutStatuses = false;
  for (const r of rows) {
    jobsByStatus[r.status] = (jobsByStatus[r.status] ?? 0) + Number(r.n);
    if (r.step_statuses) r.step_statuses.forEach((status, i) => add(i + 1, status, Number(r.n)));
    else withoutStatuses = true;
  }
  if (withoutStatuses) {
    const { rows: steps } = await sql<{ step_number: number; status: string; n: string }>`
      select s.step_number, s.status, count(*)::text as n
        from registration_job_steps s join registration_jobs j on j.id = s.job_id
       where j.batch_job_id = ${batchId} and j.step_statuses is null group by 1, 2`.execute(trx);
    for (const s of steps) add(s.step_number, s.status, Number(s.n));
  }
  return { jobsByStatus, stepSummary };
}

/** A job waits for a person: a step is action_required, or step 2's search failed (an operator retries or decides). */
export const PENDING_REVIEW_STEP = sql`(s.status = 'action_required' or (s.step_number = 2 and s.status = 'failed'))`;

function summary(row: BatchRow, pendingReviews: number, restaurantsPreview: { id: string; name: string }[] = []): BatchSummary {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    executionMode: row.execution_mode,
    totalRestaurants: num(row.total_restaurants),
    completedRestaurants: num(row.completed_restaurants),
    failedRestaurants: num(row.failed_restaurants),
    currentStep: row.current_step,
    createdAt: iso(row.created_at),
    startedAt: iso(row.started_at),
    completedAt: iso(row.completed_at),
    cancelledAt: iso(row.cancelled_at),
    paused: typeof row.metadata?.paused_at === 'string',
    readOnly: row.read_only,
    pendingReviews,
    organisationId: row.organisation_id,
    restaurantsPreview,
  };
}

async function restaurantPreviews(trx: Trx, batchIds: readonly string[]): Promise<Map<string, { id: string; name: string }[]>> {
  const out = new Map<string, { id: string; name: string }[]>();
  if (batchIds.length === 0) return out;
  const { rows } = await sql<{ batch_job_id: string; id: string; name: string }>`
    select b.id as batch_job_id, r.id, r.name
      from unnest(${batchIds as string[]}::uuid[]) as b(id)
      cross join lateral (select j.restaurant_id, j.created_at, j.id from registration_jobs j
                           where j.batch_job_id = b.id order by j.created_at, j.id limit 3) x
      join restaurants r on r.id = x.restaurant_id
     order by b.id, x.created_at, x.id`.execute(trx);
  for (const r of rows) {
    const list = out.get(r.batch_job_id) ?? [];
    list.push({ id: r.id, name: r.name });
    out.set(r.batch_job_id, list);
  }
  return out;
}

function statusFilter(filter: BatchListFilter, orgs: readonly string[]) {
  switch (filter) {
    case 'all':
      return sql`true`;
    case 'active':
      return sql`b.status in ('pending', 'in_progress', 'action_required')`;
    case 'finished':
      return sql`b.status in ('completed', 'failed', 'cancelled')`;
    case 'needs_attention':
      // The original's action_required batches, and unfinished batches with a job waiting for a person.
      // The batches with a waiting job are found once, from the (few) waiting steps, not by probing every batch.
      return sql`(b.status = 'action_required' or (b.status not in ('completed', 'cancelled') and b.id in (
        select j.batch_job_id from registration_job_steps s join registration_jobs j on j.id = s.job_id
         where ${PENDING_REVIEW_STEP} and j.status not in ('completed', 'cancelled') and j.organisation_id = any(${orgs as string[]}::uuid[]))))`;
    default:
      return sql`b.status = ${filter}`;
  }
}

export async function pendingReviewCounts(trx: Trx, batchIds: readonly string[]): Promise<Map<string, number>> {
  if (batchIds.length === 0) return new Map();
  const { rows } = await sql<{ batch_job_id: string; n: string }>`
    select j.batch_job_id, count(distinct j.id)::text as n
      from registration_jobs j join registration_job_steps s on s.job_id = j.id
     where j.batch_job_id = any(${batchIds as string[]}::uuid[]) and j.status not in ('completed', 'cancelled') and ${PENDING_REVIEW_STEP}
     group by j.batch_job_id`.execute(trx);
  return new Map(rows.map((r) => [r.batch_job_id, Number(r.n)]));
}

export async function loadBatch(trx: Trx, batchId: string): Promise<BatchRow> {
  const { rows } = await sql<BatchRow>`select ${BATCH_COLUMNS} from registration_batch_jobs b where b.id = ${batchId}`.execute(trx);
  const row = rows[0];
  if (!row) throw new ApiError('not_found', `batch ${batchId} does not exist or is not visible to you`);
  return row;
}

/** The commit-order position "now" of the batch stream: pass it as lastEventId to receive only later events. */
async function streamHead(trx: Trx): Promise<string> {
  const { rows } = await sql<{ xmin: string }>`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`.execute(trx);
  return `${rows[0]!.xmin}.0`;
}

function organisationFor(me: AuthUser, requested: string | undefined): string {
  if (requested && requested !== me.organisationId && me.role !== 'super_admin') {
    throw new ApiError('not_found', `organisation ${requested} does not exist or is not visible to you`);
  }
  const org = requested ?? me.organisationId;
  if (!org) throw new ApiError('invalid_input', 'organisationId: a super admin must name the organisation', { organisationId: ['required for a super admin'] });
  return org;
}

export interface BatchStreamMessage {
  cursor: string;
  eventId: string;
  batchId: string;
  jobId: string | null;
  revision: number;
  type: string;
  event: unknown;
  stateAfter: unknown;
  actor: string;
  at: string | null;
}

const CURSOR = /^(\d+)\.(\d+)$/;

export function parseBatchCursor(cursor: string | null | undefined): { txid: string; id: string } | null {
  if (!cursor) return null;
  const m = CURSOR.exec(cursor);
  if (!m) throw new ApiError('invalid_input', `lastEventId ${JSON.stringify(cursor)} is not a batch stream cursor ("<txid>.<id>")`, { lastEventId: ['not a batch stream cursor'] });
  return { txid: m[1]!, id: m[2]! };
}

/** Reads the next finished events of a batch after `cursor`, in commit order; `pending` says more are committing. */
export async function readBatchEvents(trx: Trx, batchId: string, cursor: { txid: string; id: string }, limit: number) {
  const { rows } = await sql<{
    id: string; txid: string; job_id: string | null; revision: string; event: Record<string, unknown>; state_after: unknown; actor: string; created_at: Date; xmin: string;
  }>`
    with snap as (select pg_snapshot_xmin(pg_current_snapshot()) as xmin)
    select e.id::text, e.txid::text, e.job_id, e.revision::text, e.event, e.state_after, e.actor, e.created_at, snap.xmin::text as xmin
      from registration_job_events e, snap
     where e.batch_id = ${batchId}
       and (e.txid, e.id) > (${cursor.txid}::xid8, ${cursor.id}::bigint)
       and e.txid < snap.xmin
     order by e.txid, e.id
     limit ${limit}`.execute(trx);
  let pending = false;
  if (rows.length < limit) {
    const { rows: p } = await sql<{ pending: boolean }>`
      select exists (select 1 from registration_job_events e where e.batch_id = ${batchId}
        and e.txid >= pg_snapshot_xmin(pg_current_snapshot())) as pending`.execute(trx);
    pending = p[0]?.pending ?? false;
  }
  const messages: BatchStreamMessage[] = rows.map((r) => ({
    cursor: `${r.txid}.${r.id}`,
    eventId: r.id,
    batchId,
    jobId: r.job_id,
    revision: Number(r.revision),
    type: String(r.event.type ?? ''),
    event: maskSecrets(r.event),
    stateAfter: r.state_after,
    actor: r.actor,
    at: iso(r.created_at),
  }));
  return { messages, pending };
}

/** The batch-level events (the batches' own, including every job's report to its batch) of some organisations. */
export async function readOrgEvents(trx: Trx, organisations: readonly string[], cursor: { txid: string; id: string }, limit: number) {
  const { rows } = await sql<{ id: string; txid: string; batch_id: string; revision: string; event: Record<string, unknown>; state_after: unknown; actor: string; created_at: Date }>`
    with snap as (select pg_snapshot_xmin(pg_current_snapshot()) as xmin)
    select e.id::text, e.txid::text, e.batch_id, e.revision::text, e.event, e.state_after, e.actor, e.created_at
      from registration_job_events e, snap
     where e.organisation_id = any(${organisations as string[]}::uuid[]) and e.job_id is null
       and (e.txid, e.id) > (${cursor.txid}::xid8, ${cursor.id}::bigint)
       and e.txid < snap.xmin
     order by e.txid, e.id
     limit ${limit}`.execute(trx);
  let pending = false;
  if (rows.length < limit) {
    const { rows: p } = await sql<{ pending: boolean }>`
      select exists (select 1 from registration_job_events e where e.organisation_id = any(${organisations as string[]}::uuid[])
        and e.job_id is null and e.txid >= pg_snapshot_xmin(pg_current_snapshot())) as pending`.execute(trx);
    pending = p[0]?.pending ?? false;
  }
  const messages: BatchStreamMessage[] = rows.map((r) => ({
    cursor: `${r.txid}.${r.id}`,
    eventId: r.id,
    batchId: r.batch_id,
    jobId: typeof r.event.jobId === 'string' ? r.event.jobId : null,
    revision: Number(r.revision),
    type: String(r.event.type ?? ''),
    event: maskSecrets(r.event),
    stateAfter: r.state_after,
    actor: r.actor,
    at: iso(r.created_at),
  }));
  return { messages, pending };
}

/** The restaurants by id, each visible to the user (RLS) and of `organisationId`; else a not-found / bad-input error naming them. */
async function restaurantsFor(trx: Trx, ids: readonly string[], organisationId: string) {
  const unique = [...new Set(ids)];
  const orgs = await visibleOrganisations(trx);
  await endUserRole(trx);
  const rows = unique.length && orgs.length
    ? await trx.selectFrom('restaurants').selectAll().where('id', 'in', unique).where('organisation_id', 'in', orgs).execute()
    : [];
  const found = new Map(rows.map((r) => [r.id, r]));
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length) {
    throw new ApiError('not_found', `restaurants not found or not visible to you: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` (+${missing.length - 10})` : ''}`, {
      restaurantIds: missing.map((id) => `${id} not found`),
    });
  }
  const foreign = rows.filter((r) => r.organisation_id !== organisationId);
  if (foreign.length) {
    throw new ApiError('invalid_input', `restaurants of another organisation: ${foreign.map((r) => r.id).join(', ')}`, {
      restaurantIds: foreign.map((r) => `${r.id} belongs to another organisation`),
    });
  }
  return unique.map((id) => found.get(id)!);
}

/**
 * What a restaurant added later inherits from the batch: the default configuration, auto-policies and retry bound
 * its first job was created with (none when the batch has no job left).
 */
async function batchJobDefaults(trx: Trx, batchId: string): Promise<Pick<CreateBatchRestaurant, 'executionConfig' | 'autoPolicies' | 'maxRetries'>> {
  const { rows } = await sql<{ input: { executionConfig?: unknown; autoPolicies?: CreateBatchRestaurant['autoPolicies']; maxRetries?: number } | null }>`
    select e.event->'input' as input
      from registration_jobs j join registration_job_events e on e.job_id = j.id and e.revision = 0
     where j.batch_job_id = ${batchId}
     order by j.created_at, j.id limit 1`.execute(trx);
  const input = rows[0]?.input ?? {};
  return {
    ...(input.executionConfig === undefined ? {} : { executionConfig: input.executionConfig }),
    ...(input.autoPolicies === undefined ? {} : { autoPolicies: input.autoPolicies }),
    ...(input.maxRetries === undefined ? {} : { maxRetries: input.maxRetries }),
  };
}

export const batchesRouter = router({
  list: authedProcedure.input(batchesListInput).query(({ ctx, input }) =>
    asUser(ctx.deps.db, ctx.me, async (trx) => {
      // RLS decides the organisations once; the page and the "needs attention" test over the batches' jobs and steps
      // then filter by them (the policies' has_org_access() per row cost 1.3 s for that tab at 10,000 jobs).
      const orgs = await visibleOrganisations(trx);
      await endUserRole(trx);
      const search = input.search ? sql`and b.name ilike ${`%${input.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}` : sql``;
      const order = sql.raw(`b.${input.sort} ${input.direction === 'asc' ? 'asc' : 'desc'} nulls last, b.id`);
      const { rows } = await sql<BatchRow & { total: string }>`
        select ${BATCH_COLUMNS}, count(*) over ()::text as total
          from registration_batch_jobs b
         where b.organisation_id = any(${orgs}::uuid[]) and ${statusFilter(input.status, orgs)} ${search}
         order by ${order}
         limit ${input.limit} offset ${input.offset}`.execute(trx);
      const counts = await pendingReviewCounts(trx, rows.map((r) => r.id));
      const previews = await restaurantPreviews(trx, rows.map((r) => r.id));
      const total = rows[0] ? Number(rows[0].total) : 0;
      return {
        items: rows.map((r) => summary(r, counts.get(r.id) ?? 0, previews.get(r.id) ?? [])),
        total,
        nextOffset: input.offset + rows.length < total ? input.offset + rows.length : null,
      };
    }),
  ),

  get: authedProcedure.input(batchIdInput).query(({ ctx, input }) =>
    asUser(ctx.deps.db, ctx.me, async (trx) => {
      const row = await loadBatch(trx, input.batchId);
      await endUserRole(trx);
      const counts = await pendingReviewCounts(trx, [row.id]);
      const previews = await restaurantPreviews(trx, [row.id]);
      const { jobsByStatus, stepSummary } = await batchCounters(trx, row.id);
      // The lowest step any unfinished job waits at (the original's stepRequiringAction).
      const waiting = [1, 2, 3, 4, 5, 6].filter((n) => stepSummary[`step_${n}`]?.['action_required']);
      return {
        ...summary(row, counts.get(row.id) ?? 0, previews.get(row.id) ?? []),
        revision: Number(row.revision),
        jobsByStatus,
        stepSummary,
        stepRequiringAction: waiting.length ? Math.min(...waiting) : null,
        streamCursor: await streamHead(trx),
      };
    }),
  ),

  create: authedProcedure.input(batchesCreateInput).mutation(async ({ ctx, input }) => {
    const organisationId = organisationFor(ctx.me, input.organisationId);
    let preset: unknown;
    if (input.defaultConfig) {
      const parsed = ExecutionConfigSchema.safeParse(input.defaultConfig);
      if (!parsed.success) {
        const fields = Object.fromEntries(Object.entries(zodFieldErrors(parsed.error)).map(([k, v]) => [`defaultConfig.${k}`, v]));
        throw new ApiError('invalid_input', 'defaultConfig is not a valid configuration', fields);
      }
      preset = parsed.data;
    }
    const restaurants = await asUser(ctx.deps.db, ctx.me, (trx) => restaurantsFor(trx, input.restaurantIds, organisationId));
    const created = await ctx.deps.engine.createBatch({
      organisationId,
      name: input.name,
      mode: input.mode,
      draft: input.draft,
      createdBy: ctx.me.id,
      restaurants: restaurants.map((r) => ({
        restaurant: restaurantFacts(r as unknown as Record<string, unknown>),
        ...(preset === undefined ? {} : { executionConfig: preset }),
        ...(input.autoPolicies ? { autoPolicies: input.autoPolicies } : {}),
      })),
    });
    let started = false;
    if (input.start && !input.draft) {
      await command(ctx.deps.engine, ctx.me, { type: 'batch', id: created.batchId }, { type: 'batch.start' });
      started = true;
    }
    ctx.log.info({ batchId: created.batchId, jobs: created.jobIds.length, userId: ctx.me.id }, 'batch created');
    return { batchId: created.batchId, jobIds: created.jobIds, started };
  }),

  /** Adds restaurants to a batch before it starts (draft or pending); they take the batch's configuration and policies. */
  addRestaurants: authedProcedure.input(batchRestaurantsInput).mutation(async ({ ctx, input }) => {
    const { restaurants, defaults } = await asUser(ctx.deps.db, ctx.me, async (trx) => {
      const batch = await loadBatch(trx, input.batchId);
      const restaurants = await restaurantsFor(trx, input.restaurantIds, batch.organisation_id);
      return { restaurants, defaults: await batchJobDefaults(trx, batch.id) };
    });
    const res = await ctx.deps.engine.addJobs(
      input.batchId,
      restaurants.map((r) => ({ restaurant: restaurantFacts(r as unknown as Record<string, unknown>), ...defaults })),
      userActor(ctx.me),
    );
    ctx.log.info({ batchId: input.batchId, added: res.jobIds.length, userId: ctx.me.id }, 'restaurants added to batch');
    return { batchId: res.batchId, jobIds: res.jobIds, revision: res.revision, totalRestaurants: res.totalRestaurants };
  }),
  /** Removes restaurants (their jobs) from a batch before it starts (draft or pending). */
  removeRestaurants: authedProcedure.input(batchRestaurantsInput).mutation(async ({ ctx, input }) => {
    const res = await ctx.deps.engine.removeJobs(input.batchId, { restaurantIds: input.restaurantIds }, userActor(ctx.me));
    ctx.log.info({ batchId: input.batchId, removed: res.jobIds.length, userId: ctx.me.id }, 'restaurants removed from batch');
    return { batchId: res.batchId, jobIds: res.jobIds, revision: res.revision, totalRestaurants: res.totalRestaurants };
  }),

  start: authedProcedure.input(batchIdInput).mutation(({ ctx, input }) =>
    command(ctx.deps.engine, ctx.me, { type: 'batch', id: input.batchId }, { type: 'batch.start' }),
  ),
  pause: authedProcedure.input(batchIdInput).mutation(({ ctx, input }) =>
    command(ctx.deps.engine, ctx.me, { type: 'batch', id: input.batchId }, { type: 'batch.pause' }),
  ),
  resume: authedProcedure.input(batchIdInput).mutation(({ ctx, input }) =>
    command(ctx.deps.engine, ctx.me, { type: 'batch', id: input.batchId }, { type: 'batch.resume' }),
  ),
  cancel: adminProcedure.input(batchCancelInput).mutation(({ ctx, input }) =>
    command(ctx.deps.engine, ctx.me, { type: 'batch', id: input.batchId }, { type: 'batch.cancel', ...(input.reason ? { reason: input.reason } : {}) }),
  ),

  /** One CSV row per restaurant: the ordering site's URL, login email, Stripe link and outcome. */
  export: authedProcedure.input(batchIdInput).query(({ ctx, input }) =>
    asUser(ctx.deps.db, ctx.me, async (trx) => {
      const batch = await loadBatch(trx, input.batchId);
      await endUserRole(trx);
      const { rows } = await sql<{
        job_id: string; restaurant: string; status: string; error_message: string | null; login_email: string | null;
        site_url: string | null; stripe_url: string | null; completed_at: Date | null;
      }>`
        select j.id as job_id, r.name as restaurant, j.status, j.error_message,
               coalesce(j.execution_config->>'email', (select a.email from pumpd_accounts a where a.restaurant_id = r.id order by a.created_at desc limit 1)) as login_email,
               (select coalesce(p.pumpd_full_url, p.dashboard_url) from pumpd_restaurants p where p.restaurant_id = r.id order by p.created_at desc limit 1) as site_url,
               r.stripe_connect_url as stripe_url, j.completed_at
          from registration_jobs j join restaurants r on r.id = j.restaurant_id
         where j.batch_job_id = ${batch.id}
         order by j.created_at, j.id`.execute(trx);
      const csv = stringify(
        rows.map((r) => [r.restaurant, r.site_url ?? '', r.login_email ?? '', r.stripe_url ?? '', r.status, r.error_message ?? '', iso(r.completed_at) ?? '', r.job_id]),
        { header: true, columns: ['restaurant', 'site_url', 'login_email', 'stripe_link', 'outcome', 'error', 'completed_at', 'job_id'] },
      );
      const safeName = batch.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'batch';
      return { filename: `${safeName}-${batch.id.slice(0, 8)}.csv`, csv, rows: rows.length };
    }),
  ),

  /** How many jobs sit in each machine state and for how long (the web heatmap). Parallel regions count per leaf. */
  stateCounts: authedProcedure.input(batchIdInput).query(({ ctx, input }) =>
    asUser(ctx.deps.db, ctx.me, async (trx) => {
      await loadBatch(trx, input.batchId);
      await endUserRole(trx);
      // Grouped in SQL by the stored machine_state column (the snapshot's value without detoasting the snapshot):
      // a few dozen groups come back instead of one row per job.
      // (As text: hashing a text is cheaper than hashing a jsonb.)
      const { rows } = await sql<{ value: string | null; status: string; n: number; total_ms: number; max_ms: number }>`
        select j.machine_state::text as value, j.status, count(*)::int as n,
               -- Every applied event rewrites the job row (snapshot, revision), so updated_at is the last transition.
               coalesce(sum(greatest(0, extract(epoch from (now() - j.updated_at)) * 1000)), 0)::float8 as total_ms,
               coalesce(max(greatest(0, extract(epoch from (now() - j.updated_at)) * 1000)), 0)::float8 as max_ms
          from registration_jobs j where j.batch_job_id = ${input.batchId}
         group by 1, 2`.execute(trx);
      const states = new Map<string, { count: number; totalMs: number; maxMs: number }>();
      let jobs = 0;
      for (const r of rows) {
        jobs += r.n;
        const value = r.value === null ? null : (JSON.parse(r.value) as unknown);
        const paths = value === null || value === undefined ? [`legacy.${r.status}`] : statePaths(value);
        for (const p of paths) {
          const s = states.get(p) ?? { count: 0, totalMs: 0, maxMs: 0 };
          s.count += r.n;
          s.totalMs += r.total_ms;
          s.maxMs = Math.max(s.maxMs, Math.round(r.max_ms));
          states.set(p, s);
        }
      }
      return {
        jobs,
        states: [...states.entries()]
          .map(([state, s]) => ({ state, count: s.count, avgMs: Math.round(s.totalMs / s.count), maxMs: s.maxMs }))
          .sort((a, b) => a.state.localeCompare(b.state)),
      };
    }),
  ),

  /**
   * Batch-level events of every batch the user may see (created, started, paused, each job's step/park/finish report,
   * finished), in commit order and resumable like onChange: what the batch list and the review inbox refresh on.
   */
  onListChange: authedProcedure.input(listStreamInput).subscription(async function* ({ ctx, input, signal }) {
    const { db, live } = ctx.deps;
    let cursor: { txid: string; id: string };
    try {
      cursor = parseBatchCursor(input.lastEventId) ?? parseBatchCursor(await asUser(db, ctx.me, (trx) => streamHead(trx)))!;
    } catch (error) {
      throw toTRPCError(error);
    }
    yield* eventStream<Awaited<ReturnType<typeof readOrgEvents>>['messages'][number]>({
      live,
      keys: {},
      signal,
      pageSize: 200,
      read: (last) =>
        asUser(db, ctx.me, async (trx) => {
          const orgs = await visibleOrganisations(trx);
          await endUserRole(trx);
          return readOrgEvents(trx, orgs, last ? parseBatchCursor(last.cursor)! : cursor, 200);
        }),
    });
  }),

  /** Every event of the batch (its own and its jobs'), in commit order, resumable with the last cursor. */
  onChange: authedProcedure.input(batchStreamInput).subscription(async function* ({ ctx, input, signal }) {
    const { db, live } = ctx.deps;
    let cursor: { txid: string; id: string };
    try {
      cursor =
        parseBatchCursor(input.lastEventId) ??
        (await asUser(db, ctx.me, async (trx) => {
          await loadBatch(trx, input.batchId);
          const head = await streamHead(trx);
          return parseBatchCursor(head)!;
        }));
      await asUser(db, ctx.me, (trx) => loadBatch(trx, input.batchId));
    } catch (error) {
      throw toTRPCError(error);
    }
    yield* eventStream<Awaited<ReturnType<typeof readBatchEvents>>['messages'][number]>({
      live,
      keys: { batchId: input.batchId },
      signal,
      pageSize: 200,
      // Visible to the user now (RLS, one row), then the batch's events by id.
      read: (last) =>
        asUser(db, ctx.me, async (trx) => {
          await loadBatch(trx, input.batchId);
          await endUserRole(trx);
          return readBatchEvents(trx, input.batchId, last ? parseBatchCursor(last.cursor)! : cursor, 200);
        }),
    });
  }),
});
