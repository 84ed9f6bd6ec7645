// Scale benchmark (DESIGN §11, issue 9): a 10,000-restaurant batch (creation time), shaped like a batch mid-run
// (completed, failed, waiting for a person at steps 2, 3 and 5, running, queued) beside 300 older batches, then
// p50/p95 latency of the paginated list, detail, review inbox, state-count and counter reads through the real API
// (HTTP + tRPC) as an authenticated organisation user, so RLS is on. Then one more call of each read through the same
// procedures on a connection with auto_explain: the EXPLAIN (ANALYZE, BUFFERS) of every statement over
// BENCH_EXPLAIN_MIN_MS, as PostgreSQL ran it (RLS quals and has_org_access() calls included), is printed.
// Writes bench-results/scale-*.json.
// Run: pnpm bench:scale   (BENCH_SCALE_N=10000, BENCH_SCALE_ROUNDS=40, BENCH_EXPLAIN_MIN_MS=2)
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ORG_A, SEED_USERS, apiHarness, type ApiHarness, type Client } from '../../../packages/server/test/api/helpers';
import type { DB } from '../../../packages/server/src/db/index';
import type { AuthUser } from '../../../packages/server/src/auth/users';
import { appRouter } from '../../../packages/server/src/api/router';
import { createCallerFactory } from '../../../packages/server/src/api/trpc';
import type { ApiDeps, Context } from '../../../packages/server/src/api/context';
import { createLiveHub } from '../../../packages/server/src/api/live';
import { createArtifactStore } from '../../../packages/server/src/ops/artifacts';
import { createMetrics } from '../../../packages/server/src/ops/metrics';
import { pct, table, writeResult } from '../support';

const N = Number(process.env['BENCH_SCALE_N'] ?? 10_000);
const ROUNDS = Number(process.env['BENCH_SCALE_ROUNDS'] ?? 40);
const EXPLAIN_MIN_MS = Number(process.env['BENCH_EXPLAIN_MIN_MS'] ?? 2);
const OLDER_BATCHES = 300;
const BUDGET_MS = 50;

let h: ApiHarness;
let client: Client;
beforeAll(async () => {
  h = await apiHarness();
  client = h.client(await h.token(SEED_USERS.userA));
});
afterAll(async () => {
  await h?.close();
});

/**
 * Rows of a batch mid-run, written straight into the projections (these reads only read rows). Per 100 jobs: 30
 * completed, 5 failed at step 6, 6 waiting at step 3 (company choice), 2 at step 5 (configuration), 1 whose search
 * failed (step 2), 36 running at steps 1-5, 20 queued. State values and times in state vary accordingly.
 */
async function shapeMidRun(batchId: string): Promise<void> {
  await sql`
    with numbered as (
      select id, (row_number() over (order by created_at, id)) % 100 as g from registration_jobs where batch_job_id = ${batchId}
    ), shaped as (
      select id, g,
             case when g < 30 then 'completed' when g < 35 then 'failed' when g < 80 then 'in_progress' else 'pending' end as status,
             case when g < 35 then 6 when g < 41 then 3 when g < 43 then 5 when g < 44 then 2 when g < 80 then 1 + g % 5 else 1 end as step,
             case when g < 30 then '"completed"'::jsonb when g < 35 then '"failed"'::jsonb
                  when g < 41 then '{"active": {"step3": "waiting"}}'::jsonb
                  when g < 43 then '{"active": {"step5": "waiting"}}'::jsonb
                  when g < 44 then '{"active": {"step2": "failed"}}'::jsonb
                  when g < 80 and g % 5 = 4 then '{"active": {"step6": {"menuImport": "running", "codeGeneration": "done", "websiteSettings": "waiting"}}}'::jsonb
                  when g < 80 then jsonb_build_object('active', jsonb_build_object('step' || (1 + g % 5), 'running'))
                  else '"pending"'::jsonb end as value
        from numbered
    )
    update registration_jobs j
       set status = s.status, current_step = s.step,
           machine_snapshot = jsonb_set(j.machine_snapshot, '{value}', s.value),
           updated_at = now() - make_interval(secs => s.g * 37)
      from shaped s where s.id = j.id`.execute(h.db);
  await sql`
    update registration_job_steps st
       set status = case
             when j.status = 'completed' or st.step_number < j.current_step then 'completed'
             when st.step_number > j.current_step then 'pending'
             when j.status = 'failed' then 'failed'
             when j.status = 'pending' then 'pending'
             when (j.current_step in (3, 5) and j.machine_snapshot->'value'->'active' ? ('step' || j.current_step)
                   and j.machine_snapshot->'value'->'active'->>('step' || j.current_step) = 'waiting') then 'action_required'
             when j.current_step = 2 and j.machine_snapshot->'value'->'active'->>'step2' = 'failed' then 'failed'
             else 'in_progress' end
      from registration_jobs j where j.id = st.job_id and j.batch_job_id = ${batchId}`.execute(h.db);
  // The engine writes each job's step_statuses with its step rows; so does this shaping.
  await sql`
    update registration_jobs j set step_statuses = s.statuses
      from (select st.job_id, array_agg(st.status order by st.step_number) as statuses
              from registration_job_steps st join registration_jobs jj on jj.id = st.job_id
             where jj.batch_job_id = ${batchId} group by st.job_id) s
     where s.job_id = j.id`.execute(h.db);
  await sql`update registration_batch_jobs set status = 'in_progress', started_at = now() - interval '1 hour' where id = ${batchId}`.execute(h.db);
  // Older batches, as the original implementation left them (no machine snapshot: shown read-only).
  await sql`
    insert into registration_batch_jobs (name, organisation_id, status, total_restaurants, completed_restaurants, failed_restaurants, created_at)
    select 'Older batch ' || g, ${ORG_A}, (array['completed', 'failed', 'cancelled', 'completed'])[1 + g % 4], 20, 18, 2, now() - make_interval(days => g)
      from generate_series(1, ${OLDER_BATCHES}) g`.execute(h.db);
}

/**
 * A caller of the same router over its own connection with auto_explain loaded: every statement slower than
 * EXPLAIN_MIN_MS (nested ones included) comes back as a notice carrying its EXPLAIN (ANALYZE, BUFFERS).
 */
async function explainingCaller(user: AuthUser) {
  let sink: string[] = [];
  const pool = new pg.Pool({ connectionString: h.tdb.url, max: 1 });
  pool.on('connect', (conn) => {
    conn.on('notice', (n) => sink.push(n.message ?? ''));
    conn
      .query(
        `load 'auto_explain';
         set auto_explain.log_min_duration = ${Math.max(0, Math.round(EXPLAIN_MIN_MS))};
         set auto_explain.log_analyze = on; set auto_explain.log_buffers = on; set auto_explain.log_nested_statements = on;
         set auto_explain.log_level = notice`,
      )
      .catch((e: unknown) => sink.push(`auto_explain unavailable: ${String(e)}`));
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const log = pino({ level: 'warn' });
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'regbatch-explain-'));
  const deps: ApiDeps = {
    db,
    engine: h.rt.engine,
    secrets: h.rt.secrets,
    authenticator: { authenticate: () => Promise.resolve(user) },
    log,
    live: createLiveHub({ listenUrl: null, log }),
    artifacts: createArtifactStore(path.join(scratch, 'artifacts')),
    metrics: createMetrics({ db }),
    local: null,
    storageDir: path.join(scratch, 'storage'),
    leads: null,
  };
  const ctx: Context = { deps, log, user: () => Promise.resolve(user) };
  return {
    api: createCallerFactory(appRouter)(ctx),
    /** The plans of the statements `fn` ran over the threshold. */
    async plans(fn: () => Promise<unknown>): Promise<string[]> {
      // Notices of a statement arrive before its result; take this call's and start afresh, so the next call's
      // (e.g. a warm-up) never land in this list.
      sink = [];
      await fn();
      const out = sink;
      sink = [];
      return out;
    },
    async close() {
      await db.destroy();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

it(`creates a ${N}-restaurant batch and reads it through the API`, async () => {
  const { rows } = await sql<{ id: string; name: string }>`
    insert into restaurants (name, organisation_id, address, city)
    select 'Scale ' || g, ${ORG_A}, g || ' Queen Street', 'Auckland' from generate_series(1, ${N}) g returning id, name`.execute(h.db);
  const t0 = performance.now();
  const { batchId, jobIds } = await h.rt.engine.createBatch({
    organisationId: ORG_A,
    name: `Scale ${N}`,
    restaurants: rows.map((r) => ({ restaurant: { id: r.id, name: r.name, address: '1 Queen Street', city: 'Auckland' } })),
  });
  const createMs = performance.now() - t0;
  expect(jobIds).toHaveLength(N);
  await shapeMidRun(batchId);
  await sql`vacuum analyze`.execute(h.db);
  const { rows: waiting } = await sql<{ n: string }>`
    select count(*)::text as n from registration_job_steps s join registration_jobs j on j.id = s.job_id
     where j.batch_job_id = ${batchId} and s.status = 'action_required'`.execute(h.db);

  // Each read twice: over HTTP as the client sends it, and the same procedure and input through the explaining caller.
  const mid = jobIds[Math.floor(N / 2)]!;
  const reads: Record<string, { http: () => Promise<unknown>; direct: (api: ExplainApi) => Promise<unknown> }> = {
    'batches.list (page 1)': { http: () => client.batches.list.query({ limit: 50 }), direct: (api) => api.batches.list({ limit: 50 }) },
    'batches.list (needs attention)': {
      http: () => client.batches.list.query({ limit: 50, status: 'needs_attention' }),
      direct: (api) => api.batches.list({ limit: 50, status: 'needs_attention' }),
    },
    'batches.get (detail + counters)': { http: () => client.batches.get.query({ batchId }), direct: (api) => api.batches.get({ batchId }) },
    'jobs.list (page 1 of the batch)': { http: () => client.jobs.list.query({ batchId, limit: 50 }), direct: (api) => api.jobs.list({ batchId, limit: 50 }) },
    'jobs.list (page 100)': { http: () => client.jobs.list.query({ batchId, limit: 50, offset: 4_950 }), direct: (api) => api.jobs.list({ batchId, limit: 50, offset: 4_950 }) },
    'jobs.get (one job)': { http: () => client.jobs.get.query({ jobId: mid }), direct: (api) => api.jobs.get({ jobId: mid }) },
    'reviews.list (inbox, page 1)': { http: () => client.reviews.list.query({ limit: 50 }), direct: (api) => api.reviews.list({ limit: 50 }) },
    'reviews.list (inbox, page 10)': { http: () => client.reviews.list.query({ limit: 50, offset: 450 }), direct: (api) => api.reviews.list({ limit: 50, offset: 450 }) },
    'batches.stateCounts': { http: () => client.batches.stateCounts.query({ batchId }), direct: (api) => api.batches.stateCounts({ batchId }) },
  };
  const results: Record<string, string | number>[] = [];
  for (const [name, read] of Object.entries(reads)) {
    await read.http();
    const ms: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const s = performance.now();
      await read.http();
      ms.push(performance.now() - s);
    }
    const p95 = pct(ms, 95);
    results.push({ read: name, p50_ms: pct(ms, 50), p95_ms: p95, budget_ms: BUDGET_MS, verdict: p95 <= BUDGET_MS ? 'within' : `over by ${(p95 - BUDGET_MS).toFixed(0)} ms` });
  }
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(
    `scale: ${N}-restaurant batch created in ${createMs.toFixed(0)} ms [DESIGN §11: ≤ 5,000 ms]; shaped mid-run (${waiting[0]!.n} jobs waiting for a person) beside ${OLDER_BATCHES} older batches; ` +
      `${ROUNDS} rounds per read over HTTP as ${SEED_USERS.userA.email} (RLS on); load average ${load}\n${table(results)}`,
  );

  // The statements behind each read, as PostgreSQL ran them for this user.
  const { rows: me } = await sql<{ id: string; email: string; role: string; organisation_id: string | null }>`
    select id, email, role, organisation_id from profiles where id = ${SEED_USERS.userA.id}`.execute(h.db);
  const user: AuthUser = { id: me[0]!.id, email: me[0]!.email, role: 'user', organisationId: me[0]!.organisation_id };
  const explaining = await explainingCaller(user);
  const plans: Record<string, string[]> = {};
  try {
    for (const [name, read] of Object.entries(reads)) {
      await read.direct(explaining.api); // warm the connection (and its plan cache) first
      plans[name] = await explaining.plans(() => read.direct(explaining.api));
    }
  } finally {
    await explaining.close();
  }
  for (const [name, list] of Object.entries(plans)) {
    console.log(`\n=== ${name}: ${list.length} statement(s) over ${EXPLAIN_MIN_MS} ms${list.length ? '\n' : ''}${list.join('\n---\n')}`);
  }
  console.log(`wrote ${writeResult('scale', { restaurants: N, createMs, rounds: ROUNDS, load, waitingForAPerson: Number(waiting[0]!.n), olderBatches: OLDER_BATCHES, results, plans })}`);
});

type ExplainApi = Awaited<ReturnType<typeof explainingCaller>>['api'];
