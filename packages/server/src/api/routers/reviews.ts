// reviews.*: every decision a person may take now, across the user's batches: step 2's waits (no candidate, or a
// search that failed after its retries), step 3's company selections (candidates with scores and evidence), step 5's
// configurations (the proposed one, secrets masked). Each action takes many jobs at once; each job is applied in its
// own transaction and reported on its own.
import { sql } from 'kysely';
import { ExecutionConfigSchema, SECRET_PATHS } from '@regbatch/machines';
import { asUser, endUserRole, visibleOrganisations } from '../context';
import { ApiError, zodFieldErrors } from '../errors';
import { bulkCommand } from '../commands';
import { maskSecrets } from '../mask';
import { iso } from '../rows';
import { authedProcedure, router } from '../trpc';
import { PENDING_REVIEW_STEP } from './batches';
import { manualEntryInput, noMatchInput, reviewsListInput, selectCompanyInput, submitConfigInput, type ReviewKind } from '../schemas';

const KIND_OF_STEP: Record<number, ReviewKind> = { 2: 'search', 3: 'company', 5: 'config' };

export const reviewsRouter = router({
  list: authedProcedure.input(reviewsListInput).query(({ ctx, input }) =>
    asUser(ctx.deps.db, ctx.me, async (trx) => {
      const orgs = await visibleOrganisations(trx);
      await endUserRole(trx);
      const steps = input.kind ? [Object.entries(KIND_OF_STEP).find(([, k]) => k === input.kind)![0]].map(Number) : [2, 3, 5];
      const batch = input.batchId ? sql`and b.id = ${input.batchId}` : sql``;
      const { rows } = await sql<{
        job_id: string; batch_id: string; batch_name: string; step_number: number; step_status: string; error_message: string | null;
        restaurant_id: string; restaurant_name: string; address: string | null; city: string | null; waiting_since: Date | null;
        queries: unknown; candidates: unknown; proposed: unknown; read_only: boolean; total: string;
      }>`
        -- The page and the total first, from cheap columns; the snapshots' candidates and proposals (≈6 KB each to
        -- detoast) only for the rows shown: all of them before the limit cost ≈100 ms with 800 waiting (bench:scale).
        with page as (
          select s.job_id, s.step_number, s.status as step_status, s.error_message as step_error, s.updated_at as waiting_since,
                 b.id as batch_id, b.name as batch_name, b.created_at as batch_created_at, j.created_at as job_created_at,
                 count(*) over ()::text as total
            from registration_job_steps s
            join registration_jobs j on j.id = s.job_id
            join registration_batch_jobs b on b.id = j.batch_job_id
           where j.organisation_id = any(${orgs}::uuid[]) and s.step_number = any(${steps}::int[]) and ${PENDING_REVIEW_STEP}
             and j.status not in ('completed', 'cancelled') and b.status not in ('cancelled') ${batch}
           order by b.created_at, j.created_at, s.job_id
           limit ${input.limit} offset ${input.offset})
        select p.job_id, p.batch_id, p.batch_name, p.step_number, p.step_status, coalesce(p.step_error, j.error_message) as error_message,
               r.id as restaurant_id, r.name as restaurant_name, r.address, r.city, p.waiting_since,
               c.search_queries as queries,
               coalesce(j.machine_snapshot->'context'->'search'->'candidates', c.combined_results) as candidates,
               j.machine_snapshot->'context'->'proposedConfig' as proposed,
               j.machine_snapshot is null as read_only,
               p.total
          from page p
          join registration_jobs j on j.id = p.job_id
          join restaurants r on r.id = j.restaurant_id
          left join companies_office_search_candidates c on c.registration_job_id = j.id
         order by p.batch_created_at, p.job_created_at, p.job_id`.execute(trx);
      const total = rows[0] ? Number(rows[0].total) : 0;
      return {
        items: rows.map((r) => ({
          jobId: r.job_id,
          batchId: r.batch_id,
          batchName: r.batch_name,
          kind: KIND_OF_STEP[r.step_number]!,
          step: r.step_number,
          /** Step 2 failed after its retries (retry the search, or decide by hand), rather than finding no candidate. */
          searchFailed: r.step_number === 2 && r.step_status === 'failed',
          errorMessage: r.error_message,
          restaurant: { id: r.restaurant_id, name: r.restaurant_name, address: r.address, city: r.city },
          waitingSince: iso(r.waiting_since),
          queries: r.step_number <= 3 ? r.queries : null,
          candidates: r.step_number === 3 ? (Array.isArray(r.candidates) ? r.candidates : []) : null,
          proposedConfig: r.step_number === 5 ? maskSecrets(r.proposed) : null,
          readOnly: r.read_only,
        })),
        total,
        nextOffset: input.offset + rows.length < total ? input.offset + rows.length : null,
      };
    }),
  ),

  selectCompany: authedProcedure.input(selectCompanyInput).mutation(({ ctx, input }) =>
    bulkCommand(
      ctx.deps.engine,
      ctx.me,
      input.selections.map((s) => ({ jobId: s.jobId, event: { type: 'company.selected', companyNumber: s.companyNumber } })),
    ),
  ),

  noMatch: authedProcedure.input(noMatchInput).mutation(({ ctx, input }) =>
    bulkCommand(
      ctx.deps.engine,
      ctx.me,
      input.jobIds.map((jobId) => ({ jobId, event: { type: 'company.noMatch' } })),
    ),
  ),

  manualEntry: authedProcedure.input(manualEntryInput).mutation(({ ctx, input }) =>
    bulkCommand(
      ctx.deps.engine,
      ctx.me,
      input.entries.map((e) => ({ jobId: e.jobId, event: { type: 'company.manualEntry', entry: e.entry } })),
    ),
  ),

  /**
   * Validates every configuration with the shared schema first (field errors name `configs.<i>.config.<field>`;
   * nothing is applied if any is invalid), then submits each. A password left out keeps the one step 5 proposed,
   * so the web form never needs to see it.
   */
  submitConfig: authedProcedure.input(submitConfigInput).mutation(async ({ ctx, input }) => {
    const proposed = await asUser(ctx.deps.db, ctx.me, async (trx) => {
      const ids = input.configs.map((c) => c.jobId);
      const orgs = await visibleOrganisations(trx);
      await endUserRole(trx);
      const rows = await sql<{ id: string; proposed: Record<string, unknown> | null }>`
        select id, machine_snapshot->'context'->'proposedConfig' as proposed from registration_jobs
         where id = any(${ids}::uuid[]) and organisation_id = any(${orgs}::uuid[])`.execute(trx);
      return new Map(rows.rows.map((r) => [r.id, r.proposed]));
    });
    const fieldErrors: Record<string, string[]> = {};
    const parsed = input.configs.map((item, i) => {
      const config = withProposedSecrets(item.config, proposed.get(item.jobId) ?? null);
      const result = ExecutionConfigSchema.safeParse(config);
      if (!result.success) {
        for (const [path, messages] of Object.entries(zodFieldErrors(result.error))) fieldErrors[`configs.${i}.config.${path}`] = messages;
        return null;
      }
      return { jobId: item.jobId, config: result.data };
    });
    if (Object.keys(fieldErrors).length > 0) {
      throw new ApiError('invalid_input', `invalid configuration: ${Object.entries(fieldErrors).map(([k, v]) => `${k}: ${v.join(', ')}`).join('; ')}`, fieldErrors);
    }
    return bulkCommand(
      ctx.deps.engine,
      ctx.me,
      parsed.map((p) => ({ jobId: p!.jobId, event: { type: 'config.submitted', config: p!.config } })),
    );
  }),
});

/** Fills secret fields the client left out (or sent masked) from the proposed configuration. */
function withProposedSecrets(config: Record<string, unknown>, proposed: Record<string, unknown> | null): Record<string, unknown> {
  if (!proposed) return config;
  const copy = structuredClone(config);
  for (const path of SECRET_PATHS) {
    let from: unknown = proposed;
    let to: Record<string, unknown> = copy;
    for (const key of path.slice(0, -1)) {
      from = from && typeof from === 'object' ? (from as Record<string, unknown>)[key] : undefined;
      const next = to[key];
      if (next === undefined || next === null) to[key] = {};
      else if (typeof next !== 'object') break;
      to = to[key] as Record<string, unknown>;
    }
    const last = path[path.length - 1]!;
    const given = to[last];
    const value = from && typeof from === 'object' ? (from as Record<string, unknown>)[last] : undefined;
    if ((given === undefined || given === null || given === '' || given === '********') && value !== undefined && value !== null) to[last] = value;
  }
  return copy;
}
