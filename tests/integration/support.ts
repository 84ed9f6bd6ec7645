// What the engine-with-real-handlers suites share: a cloned test database, the engine runtime, the sandbox
// in-process on port 0, ONE browser pool for the suite, the real handler set registered on an in-process worker,
// the fixture leads imported through the server's importer, and helpers to read and wait on job rows.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pino from 'pino';
import { createBrowserPool, createSandboxServer, findChromium, type BrowserPool, type SandboxServer } from '@regbatch/automation';
import {
  SEED_ORGANISATIONS,
  SEED_USERS,
  createArtifactStore,
  createEngineRuntime,
  createLeadsImporter,
  createRealHandlers,
  createRegistry,
  createWorker,
  defaultLimits,
  parseKeyringSpec,
  restaurantFacts,
  type EngineRuntime,
  type TaskHandler,
  type Worker,
} from '@regbatch/server';
import { createTestDatabase, type TestDatabase } from '@regbatch/server/testing';

const here = dirname(fileURLToPath(import.meta.url));
/** ../shared/fixtures beside the repository root. */
export const FIXTURES = resolve(here, '../../../shared/fixtures');
export const LEADS_CSV = join(FIXTURES, 'leads.csv');
export const EXPECTED_MATCHES = JSON.parse(readFileSync(join(FIXTURES, 'registry-expected-matches.json'), 'utf8')) as Record<string, string | null>;
export const ORG = SEED_ORGANISATIONS.a.id;
export const PERSON = { type: 'user', userId: SEED_USERS.adminA.id } as const;
export const SYSTEM = { type: 'system', name: 'integration-test' } as const;

export const log = pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'warn' });

export interface Env {
  tdb: TestDatabase;
  rt: EngineRuntime;
  sandbox: SandboxServer;
  pool: BrowserPool;
  worker: Worker;
  /** The real handler set the worker runs (tests call a handler again to re-run a task). */
  handlers: Record<string, TaskHandler>;
  storage: string;
  /** Where failed attempts' screenshots and traces are stored (below `storage`). */
  artifactsDir: string;
  close(): Promise<void>;
}

/** Everything up and the worker claiming; the organisation points at the sandbox (target sandbox, no own URLs). */
export async function startEnv(opts: { browserSlots?: number; concurrency?: number } = {}): Promise<Env> {
  const tdb = await createTestDatabase();
  const rt = createEngineRuntime({ url: tdb.url, log, keyring: parseKeyringSpec(`it:${randomBytes(32).toString('base64')}`), poolSize: 16 });
  await sql`update public.organisations set settings = ${JSON.stringify({ target: 'sandbox' })}::jsonb where id = ${ORG}`.execute(rt.db);
  const sandbox = await createSandboxServer({ host: '127.0.0.1', port: 0 });
  const chromium = findChromium(process.env['CHROMIUM_PATH'] ?? null);
  if (!chromium) throw new Error('no Chromium: run scripts/ensure-browser.mjs or set CHROMIUM_PATH');
  const browserSlots = opts.browserSlots ?? 2;
  const pool = createBrowserPool({ executablePath: chromium, allowedHosts: [new URL(sandbox.url).host], maxContexts: browserSlots, log: { info: () => undefined, warn: () => undefined } });
  const storage = mkdtempSync(join(tmpdir(), 'regbatch-it-'));
  const artifactsDir = join(storage, 'artifacts');
  const real = createRealHandlers({ db: rt.db, secrets: rt.secrets, log, sandboxUrl: sandbox.url, pool, artifacts: createArtifactStore(artifactsDir) });
  const worker = createWorker(
    { db: rt.db, engine: rt.engine, secrets: rt.secrets, log, registry: createRegistry(real.handlers) },
    { maxInProcess: opts.concurrency ?? 6, leaseMs: 60_000, pollMs: 1_000, limits: defaultLimits({ accountGapMs: 0, browserSlots }), listenUrl: tdb.url },
  );
  await worker.start();
  return {
    tdb,
    rt,
    sandbox,
    pool,
    worker,
    handlers: real.handlers,
    storage,
    artifactsDir,
    async close() {
      await worker.stop().catch(() => undefined);
      await real.close();
      await pool.close();
      await sandbox.close();
      await rt.close();
      await tdb.drop();
      rmSync(storage, { recursive: true, force: true });
    },
  };
}

/** The fixture leads through the server's importer (menu files copied into storage); ids by restaurant name. */
export async function importLeads(env: Env): Promise<Map<string, string>> {
  const result = await createLeadsImporter().importFile({ file: LEADS_CSV, organisationId: ORG, createdBy: SEED_USERS.adminA.id, storageDir: env.storage, dryRun: false, db: env.rt.db });
  if (result.errors.length) throw new Error(`fixture leads refused: ${JSON.stringify(result.errors)}`);
  const { rows } = await sql<{ id: string; name: string }>`select id, name from public.restaurants where id = any(${[...result.restaurantIds]}::uuid[])`.execute(env.rt.db);
  return new Map(rows.map((r) => [r.name, r.id]));
}

/** A batch over these restaurants (facts read from their rows), started. */
export async function startBatch(
  env: Env,
  restaurantIds: readonly string[],
  autoPolicies: { select: 'confident' | 'never'; config: 'defaults' | 'never' },
  extra: { maxRetries?: number } = {},
): Promise<{ batchId: string; jobIds: string[] }> {
  const { rows } = await sql<Record<string, unknown>>`select * from public.restaurants where id = any(${[...restaurantIds]}::uuid[])`.execute(env.rt.db);
  const created = await env.rt.engine.createBatch({
    organisationId: ORG,
    name: `Integration ${new Date().toISOString()}`,
    mode: 'parallel',
    restaurants: rows.map((r) => ({ restaurant: restaurantFacts(r) as unknown as { id: string } & Record<string, unknown>, autoPolicies, ...extra })),
  });
  await env.rt.engine.applyEventOrThrow({ type: 'batch', id: created.batchId }, { type: 'batch.start' }, SYSTEM);
  return created;
}

export interface JobView {
  id: string;
  restaurantId: string;
  name: string;
  status: string;
  currentStep: number | null;
  steps: Record<number, { status: string; result: Record<string, unknown> }>;
  search: { status: string | null; selected: string | null } | null;
}

export async function jobViews(env: Env, batchId: string): Promise<JobView[]> {
  const { rows: jobs } = await sql<{ id: string; restaurant_id: string; restaurant_name: string; status: string; current_step: number | null }>`
    select j.id, j.restaurant_id, r.name as restaurant_name, j.status, j.current_step from public.registration_jobs j join public.restaurants r on r.id = j.restaurant_id where j.batch_job_id = ${batchId} order by r.name`.execute(env.rt.db);
  const { rows: steps } = await sql<{ job_id: string; step_number: number; status: string; result_data: Record<string, unknown> | null }>`
    select s.job_id, s.step_number, s.status, s.result_data from public.registration_job_steps s
      join public.registration_jobs j on j.id = s.job_id where j.batch_job_id = ${batchId}`.execute(env.rt.db);
  const { rows: search } = await sql<{ registration_job_id: string; status: string | null; selected_company_number: string | null }>`
    select c.registration_job_id, c.status, c.selected_company_number from public.companies_office_search_candidates c
      join public.registration_jobs j on j.id = c.registration_job_id where j.batch_job_id = ${batchId}`.execute(env.rt.db);
  return jobs.map((j) => {
    const s = search.find((x) => x.registration_job_id === j.id);
    return {
      id: j.id,
      restaurantId: j.restaurant_id,
      name: j.restaurant_name,
      status: j.status,
      currentStep: j.current_step,
      steps: Object.fromEntries(steps.filter((x) => x.job_id === j.id).map((x) => [x.step_number, { status: x.status, result: x.result_data ?? {} }])),
      search: s ? { status: s.status, selected: s.selected_company_number } : null,
    };
  });
}

export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs: number, what: () => string, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Failed task attempts of a batch, for a readable assertion message. */
export async function failedTasks(env: Env, batchId: string): Promise<string[]> {
  const { rows } = await sql<{ kind: string; attempt: number; error: unknown }>`
    select kind, attempt, error from public.registration_tasks where batch_id = ${batchId} and status = 'failed' order by created_at`.execute(env.rt.db);
  return rows.map((r) => `${r.kind}#${r.attempt}: ${JSON.stringify(r.error)}`);
}

/** Where each job stands and what its tasks are doing: the message of a wait that timed out. */
export async function describeBatch(env: Env, batchId: string): Promise<string> {
  const views = await jobViews(env, batchId);
  const { rows } = await sql<{ kind: string; status: string; n: string }>`
    select kind, status, count(*) as n from public.registration_tasks where batch_id = ${batchId} group by kind, status order by kind, status`.execute(env.rt.db);
  const jobs = views.map((j) => `${j.name}: ${j.status} step ${j.currentStep} [${Object.entries(j.steps).map(([n, s]) => `${n}:${s.status}`).join(' ')}]`);
  return [...jobs, 'tasks: ' + rows.map((r) => `${r.kind}/${r.status}=${r.n}`).join(', '), ...(await failedTasks(env, batchId))].join('\n');
}
