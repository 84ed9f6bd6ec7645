// jobs.*: list within a batch (paginated), get (steps with sub-steps, search candidates, every task attempt with
// its error and artifacts, the event history, the machine state), the operator commands (cancel, retry a step,
// retry the search with an edited query, retry / skip / mark done a sub-step), and the live onChange stream.
import { sql, type Transaction } from 'kysely';
import type { StepNumber } from '@regbatch/machines';
import type { DB } from '../../db/index';
import { asUser, endUserRole } from '../context';
import { ApiError, toTRPCError } from '../errors';
import { command } from '../commands';
import { maskSecrets } from '../mask';
import { iso, num } from '../rows';
import { adminProcedure, authedProcedure, router } from '../trpc';
import { eventStream } from '../live';
import { jobCancelInput, jobIdInput, jobsListInput, jobStreamInput, retrySearchInput, retryStepInput, skipSubStepInput, subStepInput } from '../schemas';

type Trx = Transaction<DB>;

interface JobRow {
  id: string;
  batch_job_id: string;
  restaurant_id: string;
  restaurant_name: string | null;
  restaurant_city: string | null;
  status: string;
  current_step: number | null;
  error_message: string | null;
  started_at: Date | null;
  completed_at: Date | null;
  created_at: Date;
  read_only: boolean;
  revision: string;
}

const JOB_COLUMNS = sql`j.id, j.batch_job_id, j.restaurant_id, r.name as restaurant_name, r.city as restaurant_city, j.status, j.current_step,
  j.error_message, j.started_at, j.completed_at, j.created_at, j.machine_snapshot is null as read_only, j.revision::text as revision`;

function jobSummary(row: JobRow, steps: { step_number: number; status: string }[]) {
  const byStep: Record<string, string> = {};
  for (const s of steps) byStep[`step_${s.step_number}`] = s.status;
  const waiting = steps.filter((s) => s.status === 'action_required').map((s) => s.step_number);
  return {
    id: row.id,
    batchId: row.batch_job_id,
    restaurant: { id: row.restaurant_id, name: row.restaurant_name, city: row.restaurant_city },
    status: row.status,
    currentStep: row.current_step,
    errorMessage: row.error_message,
    startedAt: iso(row.started_at),
    completedAt: iso(row.completed_at),
    createdAt: iso(row.created_at),
    readOnly: row.read_only,
    revision: Number(row.revision),
    steps: byStep,
    waitingAtStep: waiting.length ? Math.min(...waiting) : null,
  };
}

export async function loadJob(trx: Trx, jobId: string): Promise<JobRow> {
  const { rows } = await sql<JobRow>`select ${JOB_COLUMNS} from registration_jobs j left join restaurants r on r.id = j.restaurant_id where j.id = ${jobId}`.execute(trx);
  const row = rows[0];
  if (!row) throw new ApiError('not_found', `job ${jobId} does not exist or is not visible to you`);
  return row;
}

export interface JobStreamMessage {
  cursor: string;
  jobId: string;
  revision: number;
  type: string;
  event: unknown;
  stateAfter: unknown;
  actor: string;
  at: string | null;
}

export async function readJobEvents(trx: Trx, jobId: string, afterRevision: number, limit: number): Promise<JobStreamMessage[]> {
  const { rows } = await sql<{ revision: string; event: Record<string, unknown>; state_after: unknown; actor: string; created_at: Date }>`
    select e.revision::text as revision, e.event, e.state_after, e.actor, e.created_at from registration_job_events e
     where e.job_id = ${jobId} and e.revision > ${afterRevision} order by e.revision limit ${limit}`.execute(trx);
  return rows.map((r) => ({
    cursor: r.revision,
    jobId,
    revision: Number(r.revision),
    type: String(r.event.type ?? ''),
    event: maskSecrets(r.event),
    stateAfter: r.state_after,
    actor: r.actor,
    at: iso(r.created_at),
  }));
}

const target = (jobId: string) => ({ type: 'job' as const, id: jobId });

export const jobsRouter = router({
  list: authedProcedure.input(jobsListInput).query(({ ctx, input }) =>
    asUser(ctx.deps.db, ctx.me, async (trx) => {
      const batch = await trx.selectFrom('registration_batch_jobs').select('id').where('id', '=', input.batchId).executeTakeFirst();
      if (!batch) throw new ApiError('not_found', `batch ${input.batchId} does not exist or is not visible to you`);
      await endUserRole(trx);
      const status = input.status ? sql`and j.status = ${input.status}` : sql``;
      const step = input.step ? sql`and j.current_step = ${input.step}` : sql``;
      const search = input.search ? sql`and r.name ilike ${`%${input.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}` : sql``;
      // Without a name search the page is chosen on the jobs alone (the (batch_job_id, created_at, id) index skips
      // the offset), and only its rows are joined: page 100 of a 10,000-job batch joined 5,000 rows to drop them.
      const { rows } = input.search
        ? await sql<JobRow>`
            select ${JOB_COLUMNS}
              from registration_jobs j left join restaurants r on r.id = j.restaurant_id
             where j.batch_job_id = ${input.batchId} ${status} ${step} ${search}
             order by j.created_at, j.id limit ${input.limit} offset ${input.offset}`.execute(trx)
        : await sql<JobRow>`
            select ${JOB_COLUMNS}
              from (select j.id from registration_jobs j
                     where j.batch_job_id = ${input.batchId} ${status} ${step}
                     order by j.created_at, j.id limit ${input.limit} offset ${input.offset}) page
              join registration_jobs j on j.id = page.id left join restaurants r on r.id = j.restaurant_id
             order by j.created_at, j.id`.execute(trx);
      // Counted apart: a window count over the page query would build every row of the batch.
      const { rows: counted } = await sql<{ total: string }>`
        select count(*)::text as total from registration_jobs j ${input.search ? sql`left join restaurants r on r.id = j.restaurant_id` : sql``}
         where j.batch_job_id = ${input.batchId} ${status} ${step} ${search}`.execute(trx);
      const ids = rows.map((r) => r.id);
      const steps = ids.length
        ? await trx.selectFrom('registration_job_steps').select(['job_id', 'step_number', 'status']).where('job_id', 'in', ids).execute()
        : [];
      const total = Number(counted[0]?.total ?? 0);
      return {
        items: rows.map((r) => jobSummary(r, steps.filter((s) => s.job_id === r.id))),
        total,
        nextOffset: input.offset + rows.length < total ? input.offset + rows.length : null,
      };
    }),
  ),

  get: authedProcedure.input(jobIdInput).query(({ ctx, input }) =>
    asUser(ctx.deps.db, ctx.me, async (trx) => {
      const row = await loadJob(trx, input.jobId);
      await endUserRole(trx);
      const steps = await trx.selectFrom('registration_job_steps').selectAll().where('job_id', '=', row.id).orderBy('step_number').execute();
      const full = await trx.selectFrom('registration_jobs').select(['execution_config', 'machine_snapshot', 'machine_version', 'last_error_details', 'metadata']).where('id', '=', row.id).executeTakeFirstOrThrow();
      const candidates = await trx.selectFrom('companies_office_search_candidates').selectAll().where('registration_job_id', '=', row.id).executeTakeFirst();
      const tasks = await trx
        .selectFrom('registration_tasks')
        .select(['id', 'kind', 'task', 'attempt', 'status', 'run_at', 'started_at', 'finished_at', 'heartbeat_at', 'lease_expires_at', 'error', 'output', 'artifacts', 'created_at'])
        .where('job_id', '=', row.id)
        .orderBy('created_at')
        .orderBy('attempt')
        .execute();
      const events = await trx
        .selectFrom('registration_job_events')
        .select(['id', 'revision', 'event', 'state_before', 'state_after', 'actor', 'created_at'])
        .where('job_id', '=', row.id)
        .orderBy('revision', 'desc')
        .limit(500)
        .execute();
      const snapshot = full.machine_snapshot as { value?: unknown; context?: Record<string, unknown> } | null;
      const context = snapshot?.context ?? null;
      return {
        ...jobSummary(row, steps),
        state: snapshot?.value ?? null,
        machineVersion: full.machine_version,
        executionConfig: maskSecrets(full.execution_config),
        proposedConfig: maskSecrets(context?.proposedConfig ?? null),
        errorDetails: maskSecrets(full.last_error_details),
        stepsDetail: steps.map((s) => ({
          stepNumber: s.step_number,
          name: s.step_name,
          type: s.step_type,
          description: s.step_description,
          status: s.status,
          startedAt: iso(s.started_at),
          completedAt: iso(s.completed_at),
          durationMs: s.duration_ms,
          retryCount: num(s.retry_count),
          maxRetries: num(s.max_retries),
          errorMessage: s.error_message,
          errorDetails: maskSecrets(s.error_details),
          result: maskSecrets(s.result_data),
          subSteps: s.sub_step_progress ?? null,
        })),
        search: candidates
          ? {
              status: candidates.status,
              queries: candidates.search_queries,
              candidates: (context?.search as { candidates?: unknown } | undefined)?.candidates ?? candidates.combined_results,
              candidateCount: num(candidates.candidate_count),
              selectedCompanyNumber: candidates.selected_company_number,
              searchedAt: iso(candidates.searched_at),
              selectedAt: iso(candidates.selected_at),
            }
          : null,
        tasks: tasks.map((t) => ({
          id: t.id,
          kind: t.kind,
          task: t.task,
          attempt: t.attempt,
          status: t.status,
          runAt: iso(t.run_at),
          startedAt: iso(t.started_at),
          finishedAt: iso(t.finished_at),
          heartbeatAt: iso(t.heartbeat_at),
          leaseExpiresAt: iso(t.lease_expires_at),
          error: maskSecrets(t.error),
          output: maskSecrets(t.output),
          artifacts: (Array.isArray(t.artifacts) ? t.artifacts : []).map((a) => {
            const ref = typeof a === 'string' ? { ref: a, name: a.split('/').pop() ?? a } : (a as { ref?: string; name?: string });
            const name = ref.name ?? '';
            return { ...(typeof a === 'object' ? (a as object) : {}), name, url: `/api/artifacts/${t.id}/${encodeURIComponent(name)}` };
          }),
        })),
        events: events.map((e) => ({
          id: String(e.id),
          revision: Number(e.revision),
          type: String((e.event as { type?: unknown }).type ?? ''),
          event: maskSecrets(e.event),
          stateBefore: e.state_before,
          stateAfter: e.state_after,
          actor: e.actor,
          at: iso(e.created_at),
        })),
      };
    }),
  ),

  cancel: authedProcedure.input(jobCancelInput).mutation(({ ctx, input }) =>
    command(ctx.deps.engine, ctx.me, target(input.jobId), { type: 'job.cancel', ...(input.reason ? { reason: input.reason } : {}) }),
  ),
  retryStep: authedProcedure.input(retryStepInput).mutation(({ ctx, input }) =>
    command(ctx.deps.engine, ctx.me, target(input.jobId), { type: 'step.retry', step: input.step as StepNumber }),
  ),
  retrySearch: authedProcedure.input(retrySearchInput).mutation(({ ctx, input }) =>
    command(ctx.deps.engine, ctx.me, target(input.jobId), { type: 'search.retry', query: input.query }),
  ),
  retrySubStep: authedProcedure.input(subStepInput).mutation(({ ctx, input }) =>
    command(ctx.deps.engine, ctx.me, target(input.jobId), { type: 'substep.retry', key: input.key }),
  ),
  skipSubStep: authedProcedure.input(skipSubStepInput).mutation(({ ctx, input }) =>
    command(ctx.deps.engine, ctx.me, target(input.jobId), { type: 'substep.skip', key: input.key, ...(input.reason ? { reason: input.reason } : {}) }),
  ),
  markSubStepDone: adminProcedure.input(subStepInput).mutation(({ ctx, input }) =>
    command(ctx.deps.engine, ctx.me, target(input.jobId), { type: 'substep.markDone', key: input.key }),
  ),

  /** Every event of one job in revision order; lastEventId is the last revision received. */
  onChange: authedProcedure.input(jobStreamInput).subscription(async function* ({ ctx, input, signal }) {
    const { db, live } = ctx.deps;
    let revision: number;
    try {
      const row = await asUser(db, ctx.me, (trx) => loadJob(trx, input.jobId));
      if (input.lastEventId !== undefined && input.lastEventId !== null) {
        if (!/^\d+$/.test(input.lastEventId)) {
          throw new ApiError('invalid_input', `lastEventId ${JSON.stringify(input.lastEventId)} is not a job revision`, { lastEventId: ['not a job revision'] });
        }
        revision = Number(input.lastEventId);
      } else {
        revision = Number(row.revision);
      }
    } catch (error) {
      throw toTRPCError(error);
    }
    yield* eventStream<Awaited<ReturnType<typeof readJobEvents>>[number]>({
      live,
      keys: { jobId: input.jobId },
      signal,
      pageSize: 200,
      read: async (last) => ({
        messages: await asUser(db, ctx.me, async (trx) => {
          await loadJob(trx, input.jobId);
          await endUserRole(trx);
          return readJobEvents(trx, input.jobId, last ? last.revision : revision, 200);
        }),
      }),
    });
  }),
});
