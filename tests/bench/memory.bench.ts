// Memory benchmark (DESIGN §11, issue 9): worker RSS over a run (start, peak, end, and how far peak and end are from
// the start: the budget is flat within ±10 %) and RSS per concurrent browser context (budget ≤ 120 MB), for
//   simulate: a 200-restaurant `simulate` batch through one `regbatch worker` process;
//   real:     a 30-restaurant batch of the real flows in Chromium against the sandbox (its own process), through one
//             `regbatch worker --target real` process;
//   tasks:    50 consecutive real codeGeneration tasks in one worker (the real handlers and browser pool in this
//             process, as tests/integration/browserPoolSoak.test.ts drives them).
// Memory is read from /proc: the worker process's RSS, and its Chromium descendants' (browser, GPU/utility processes
// and the renderers of open pages) as PSS, so that pages they share are counted once. "Per context" is the renderers'
// PSS divided by the renderers holding a page at that moment (what each further context costs), and the whole
// browser's divided by them (its shared processes included).
// Writes bench-results/memory-*.json.
// Run: pnpm bench:memory   (BENCH_MEMORY_PARTS=simulate,real,tasks  BENCH_MEMORY_SIM_N=200  BENCH_MEMORY_REAL_N=30
//                           BENCH_MEMORY_SLOTS=2  BENCH_MEMORY_TASKS=50)
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { createBrowserPool, findChromium } from '@regbatch/automation';
import { defaultExecutionConfig, normaliseExecutionConfig, type SubStepInput } from '@regbatch/machines';
import { createLeadsImporter, createRealHandlers, restaurantFacts } from '@regbatch/server';
import { LEADS_CSV, PERSON } from '../integration/support';
import { AUTO, ORG, SERVER_DIR, SYSTEM, batchSettled, benchDb, log, makeRestaurants, table, waitUntil, writeResult, type BenchDb } from './support';

const PARTS = (process.env['BENCH_MEMORY_PARTS'] ?? 'simulate,real,tasks').split(',').map((s) => s.trim());
const SIM_N = Number(process.env['BENCH_MEMORY_SIM_N'] ?? 200);
const REAL_N = Number(process.env['BENCH_MEMORY_REAL_N'] ?? 30);
const SLOTS = Number(process.env['BENCH_MEMORY_SLOTS'] ?? 2);
const TASKS = Number(process.env['BENCH_MEMORY_TASKS'] ?? 50);
const SAMPLE_MS = 500;
const FLAT = 0.1;
const CONTEXT_BUDGET_MB = 120;
const BIN = path.join(SERVER_DIR, 'bin/regbatch.js');
const PAGE_KB = 4;

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  rssKb: number;
}

function processes(): Map<number, Proc> {
  const out = new Map<number, Proc>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const rest = stat.slice(close + 2).split(' ');
      if (rest[0] === 'Z') continue;
      out.set(Number(name), { pid: Number(name), comm: stat.slice(stat.indexOf('(') + 1, close), ppid: Number(rest[1]), rssKb: Number(rest[21]) * PAGE_KB });
    } catch {
      // exited while listed
    }
  }
  return out;
}

/** Proportional set size: shared pages (Chromium's processes share much) split among their sharers, so sums add up. */
function pssKb(pid: number, fallbackKb: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : fallbackKb;
  } catch {
    return fallbackKb;
  }
}

function isRenderer(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer');
  } catch {
    return false;
  }
}

interface Sample {
  t: number;
  workerKb: number;
  chromiumKb: number;
  rendererKb: number;
  renderers: number;
}

/** The worker's own RSS and its Chromium descendants', every SAMPLE_MS until stopped. */
function sampler(rootPid: number) {
  const samples: Sample[] = [];
  const t0 = Date.now();
  const take = () => {
    const all = processes();
    const root = all.get(rootPid);
    if (!root) return;
    const mine = new Set([rootPid]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const p of all.values()) {
        if (!mine.has(p.pid) && mine.has(p.ppid)) {
          mine.add(p.pid);
          grew = true;
        }
      }
    }
    let chromiumKb = 0;
    let rendererKb = 0;
    let renderers = 0;
    for (const pid of mine) {
      const p = all.get(pid)!;
      if (pid === rootPid || !/chrom/i.test(p.comm)) continue;
      const kb = pssKb(pid, p.rssKb);
      chromiumKb += kb;
      // Chromium's spare renderer (no page yet) is small; a renderer counts as a page's once it holds > 30 MB.
      if (isRenderer(pid) && kb > 30 * 1024) {
        rendererKb += kb;
        renderers += 1;
      }
    }
    samples.push({ t: Date.now() - t0, workerKb: root.rssKb, chromiumKb, rendererKb, renderers });
  };
  take();
  const timer = setInterval(take, SAMPLE_MS);
  return {
    samples,
    take,
    stop: () => clearInterval(timer),
  };
}

const mb = (kb: number) => Math.round(kb / 1024);
const pctOf = (x: number, base: number) => `${x >= base ? '+' : ''}${(((x - base) / base) * 100).toFixed(1)} %`;

/** One row of the table from a run's samples (start = the worker ready, before the batch starts). */
function summarise(run: string, samples: readonly Sample[], extra: Record<string, string | number> = {}): Record<string, string | number> {
  const start = samples[0]!.workerKb;
  const end = samples.at(-1)!.workerKb;
  const peak = Math.max(...samples.map((s) => s.workerKb));
  const withPages = samples.filter((s) => s.renderers > 0);
  const perCtx = withPages.length ? Math.max(...withPages.map((s) => s.rendererKb / s.renderers)) : 0;
  const perCtxAll = withPages.length ? Math.max(...withPages.map((s) => s.chromiumKb / s.renderers)) : 0;
  const maxPages = withPages.length ? Math.max(...withPages.map((s) => s.renderers)) : 0;
  const flat = Math.max(Math.abs(peak - start), Math.abs(end - start)) / start <= FLAT;
  return {
    run,
    ...extra,
    worker_start_mb: mb(start),
    worker_peak_mb: mb(peak),
    worker_end_mb: mb(end),
    peak_vs_start: pctOf(peak, start),
    end_vs_start: pctOf(end, start),
    flat_10pct: flat ? 'yes' : 'no',
    chromium_peak_mb: mb(Math.max(0, ...samples.map((s) => s.chromiumKb))),
    max_pages: maxPages,
    mb_per_context: maxPages ? mb(perCtx) : '-',
    mb_per_context_incl_shared: maxPages ? mb(perCtxAll) : '-',
    context_budget: maxPages ? (perCtx <= CONTEXT_BUDGET_MB * 1024 ? 'within' : `over by ${mb(perCtx) - CONTEXT_BUDGET_MB} MB`) : '-',
  };
}

function startWorker(b: BenchDb, args: readonly string[]): ChildProcess & { ready: Promise<void> } {
  const child = spawn(process.execPath, [BIN, 'worker', ...args], {
    cwd: SERVER_DIR,
    env: { ...process.env, DATABASE_URL: b.url, REGBATCH_SECRET_KEYS: b.keySpec, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out = (out + d.toString()).slice(-8000);
      if (out.includes(' running (')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`worker exited (${code ?? signal}) before it was ready:\n${out}`)));
  });
  ready.catch(() => undefined);
  return Object.assign(child, { ready });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await gone;
  clearTimeout(t);
}

/** Settled, or nothing of the batch left to run (jobs that wait for a person stay so). */
async function drained(b: BenchDb, batchId: string): Promise<boolean> {
  if (await batchSettled(b.db, batchId)) return true;
  const { rows } = await sql<{ n: string }>`select count(*)::text as n from registration_tasks where batch_id = ${batchId} and status in ('queued', 'running')`.execute(b.db);
  return Number(rows[0]!.n) === 0;
}

async function runWorkerBatch(b: BenchDb, run: string, batchId: string, args: readonly string[], deadlineMs: number) {
  const w = startWorker(b, args);
  try {
    await w.ready;
    await new Promise((r) => setTimeout(r, 1000)); // let start-up allocations settle
    const s = sampler(w.pid!);
    const t0 = Date.now();
    await b.rt.engine.applyEventOrThrow({ type: 'batch', id: batchId }, { type: 'batch.start' }, SYSTEM);
    // Two consecutive drained checks a few seconds apart: a job between two tasks has none queued for an instant.
    let quiet = 0;
    await waitUntil(async () => ((quiet = (await drained(b, batchId)) ? quiet + 1 : 0), quiet >= 3), deadlineMs, `${run}: batch drained`, 1000);
    const wallS = (Date.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 2000)); // end: idle after the run
    s.take();
    s.stop();
    const { rows } = await sql<{ status: string; n: string }>`select status, count(*)::text as n from registration_jobs where batch_job_id = ${batchId} group by 1 order by 1`.execute(b.db);
    // Why each unfinished job stopped where it did: a failure's reason, or the step that waits for a person.
    const { rows: open } = await sql<{ name: string; status: string; step: number; step_status: string; reason: string | null }>`
      select r.name, j.status, s.step_number as step, s.status as step_status, coalesce(s.error_message, j.error_message) as reason
        from registration_jobs j join restaurants r on r.id = j.restaurant_id
        join registration_job_steps s on s.job_id = j.id and s.step_number = j.current_step
       where j.batch_job_id = ${batchId} and j.status <> 'completed' order by r.name`.execute(b.db);
    for (const o of open) console.log(`${run}: ${o.name}: ${o.status}, step ${o.step} ${o.step_status}${o.reason ? `: ${o.reason.slice(0, 200)}` : ''}`);
    return { samples: s.samples, wallS, jobs: rows.map((r) => `${r.n} ${r.status}`).join(', ') };
  } finally {
    await stopChild(w);
  }
}

async function simulatePart() {
  const b = await benchDb();
  try {
    const restaurants = await makeRestaurants(b.db, SIM_N, 'Memory sim');
    const { batchId } = await b.rt.engine.createBatch({ organisationId: ORG, name: `Memory simulate ${SIM_N}`, restaurants });
    const sim = { durations: { default: { minMs: 20, maxMs: 60 } } };
    const args = ['--target', 'simulate', '--concurrency', '8', '--browser-slots', '4', '--account-gap-ms', '0', '--lease-ms', '30000', '--poll-ms', '1000', '--reconcile-ms', '0', '--simulate', JSON.stringify(sim)];
    const r = await runWorkerBatch(b, 'simulate', batchId, args, 1_800_000);
    return { row: summarise(`simulate, ${SIM_N} restaurants`, r.samples, { wall_s: r.wallS.toFixed(0), jobs: r.jobs }), samples: r.samples };
  } finally {
    await b.close();
  }
}

async function realPart() {
  const b = await benchDb();
  const home = mkdtempSync(path.join(os.tmpdir(), 'regbatch-memory-'));
  const sandbox = spawn(process.execPath, [BIN, 'sandbox', '--port', '0', '--json'], { cwd: SERVER_DIR, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } });
  try {
    let out = '';
    await new Promise<void>((resolve, reject) => {
      sandbox.stdout.on('data', (d: Buffer) => ((out += d.toString()), out.includes('"inspectUrl"') && resolve()));
      sandbox.once('exit', (c) => reject(new Error(`sandbox exited (${c}): ${out}`)));
    });
    const sandboxUrl = (JSON.parse(out.slice(out.indexOf('{'))) as { url: string }).url;
    await sql`update public.organisations set settings = ${JSON.stringify({ target: 'sandbox' })}::jsonb where id = ${ORG}`.execute(b.db);
    const imported = await createLeadsImporter().importFile({ file: LEADS_CSV, organisationId: ORG, createdBy: PERSON.userId, storageDir: path.join(home, 'storage'), dryRun: false, db: b.db });
    if (imported.errors.length) throw new Error(`fixture leads refused: ${JSON.stringify(imported.errors)}`);
    let ids = [...imported.restaurantIds];
    // The fixture has 25 leads; the rest of REAL_N are copies of the first ones (same facts, menus and store pages).
    for (let i = 0; ids.length < REAL_N; i++) {
      const { rows } = await sql<{ id: string }>`
        insert into restaurants
        select (jsonb_populate_record(null::restaurants, to_jsonb(r) - 'slug' - 'subdomain' || jsonb_build_object('id', gen_random_uuid()))).*
          from restaurants r where r.id = ${ids[i]!} returning id`.execute(b.db);
      ids = [...ids, rows[0]!.id];
    }
    ids = ids.slice(0, REAL_N);
    const { rows } = await sql<Record<string, unknown>>`select * from restaurants where id = any(${ids}::uuid[])`.execute(b.db);
    const { batchId } = await b.rt.engine.createBatch({
      organisationId: ORG,
      name: `Memory real ${REAL_N}`,
      mode: 'parallel',
      restaurants: rows.map((r) => ({ restaurant: restaurantFacts(r) as unknown as { id: string } & Record<string, unknown>, autoPolicies: AUTO })),
    });
    const args = ['--target', 'real', '--sandbox-url', sandboxUrl, '--concurrency', String(SLOTS + 2), '--browser-slots', String(SLOTS), '--account-gap-ms', '300', '--lease-ms', '60000', '--poll-ms', '1000', '--reconcile-ms', '5000'];
    const r = await runWorkerBatch(b, 'real', batchId, args, 3_600_000);
    return { row: summarise(`real flows, ${REAL_N} restaurants, ${SLOTS} slots`, r.samples, { wall_s: r.wallS.toFixed(0), jobs: r.jobs }), samples: r.samples };
  } finally {
    await stopChild(sandbox);
    await b.close();
    rmSync(home, { recursive: true, force: true });
  }
}

async function tasksPart() {
  const b = await benchDb();
  const home = mkdtempSync(path.join(os.tmpdir(), 'regbatch-memory-'));
  const { createSandboxServer } = await import('@regbatch/automation');
  const sandbox = await createSandboxServer({ host: '127.0.0.1', port: 0 });
  const chromium = findChromium(process.env['CHROMIUM_PATH'] ?? null);
  if (!chromium) throw new Error('no Chromium: run scripts/ensure-browser.mjs or set CHROMIUM_PATH');
  // One browser slot, the pool's default recycling: the worker's pool as createRealHandlers builds it.
  const pool = createBrowserPool({ executablePath: chromium, allowedHosts: [new URL(sandbox.url).host], maxContexts: 1, log: { info: () => undefined, warn: () => undefined } });
  const real = createRealHandlers({ db: b.rt.db, secrets: b.rt.secrets, log, sandboxUrl: sandbox.url, pool, artifacts: null });
  try {
    await sql`update public.organisations set settings = ${JSON.stringify({ target: 'sandbox' })}::jsonb where id = ${ORG}`.execute(b.db);
    const imported = await createLeadsImporter().importFile({ file: LEADS_CSV, organisationId: ORG, createdBy: PERSON.userId, storageDir: path.join(home, 'storage'), dryRun: false, db: b.db });
    const { rows } = await sql<Record<string, unknown>>`select * from restaurants where id = any(${[...imported.restaurantIds]}::uuid[]) order by name`.execute(b.db);
    const password = await b.rt.secrets.put('Memory-Run-P@ss1', { organisationId: ORG, purpose: 'memory bench' });
    const inputs: SubStepInput[] = rows.map((r) => {
      const draft = defaultExecutionConfig(restaurantFacts(r), null, { accountPasswordRef: password });
      const config = normaliseExecutionConfig({ ...draft, email: draft.email ?? 'memory@example.nz', phone: draft.phone ?? '+6495550100' });
      return { key: 'codeGeneration', jobId: randomUUID(), batchId: randomUUID(), organisationId: ORG, restaurantId: r['id'] as string, config, upstream: {} };
    });
    const s = sampler(process.pid);
    const t0 = Date.now();
    let failed = 0;
    for (let i = 0; i < TASKS; i++) {
      const input = inputs[i % inputs.length]!;
      const key = randomUUID();
      await real.handlers['codeGeneration']!({
        task: { id: randomUUID(), kind: 'codeGeneration', task: 'codeGeneration', jobId: input.jobId, batchId: input.batchId, organisationId: ORG, idempotencyKey: key, attempt: 1, input },
        input,
        signal: new AbortController().signal,
        idempotencyKey: key,
        workerId: 'memory-bench',
        db: b.rt.db,
        log,
      }).catch(() => (failed += 1));
      s.take(); // after every task, its page closed
    }
    const wallS = (Date.now() - t0) / 1000;
    s.stop();
    return {
      row: summarise(`${TASKS} consecutive codeGeneration tasks, 1 worker`, s.samples, { wall_s: wallS.toFixed(0), jobs: `${TASKS - failed} ok, ${failed} failed` }),
      samples: s.samples,
    };
  } finally {
    await real.close();
    await pool.close();
    await sandbox.close();
    await b.close();
    rmSync(home, { recursive: true, force: true });
  }
}

const runs: Record<string, () => Promise<{ row: Record<string, string | number>; samples: Sample[] }>> = { simulate: simulatePart, real: realPart, tasks: tasksPart };
const rows: Record<string, string | number>[] = [];
const all: Record<string, unknown> = {};
for (const part of PARTS) {
  const run = runs[part];
  if (!run) throw new Error(`BENCH_MEMORY_PARTS: unknown part ${JSON.stringify(part)} (simulate, real, tasks)`);
  const load0 = os.loadavg()[0]!;
  const r = await run();
  const load = `${load0.toFixed(1)}-${os.loadavg()[0]!.toFixed(1)}`;
  rows.push({ ...r.row, load });
  all[part] = { ...r.row, load, samples: r.samples };
  console.log(`memory: ${part} done\n${table([{ ...r.row, load }])}\n`);
}
console.log(`memory (worker RSS flat within ±${FLAT * 100} %, ≤ ${CONTEXT_BUDGET_MB} MB per browser context; DESIGN §11), ${os.cpus().length} cores\n${table(rows)}`);
console.log(`wrote ${writeResult('memory', { parts: PARTS, runs: all })}`);
