// Makespan benchmark (DESIGN §11, issue 9): 200-restaurant simulate batches with C browser slots, measured against
// the lower bound max(one restaurant's critical path, total browser work / C, account gap × N). Sub-step durations
// are the original's recorded ones (reference §9) scaled down (BENCH_SCALE ms per recorded second), fixed (min = max)
// so the bound is exact. Each of three runs is set up so a different term dominates; the work-bound run is repeated
// with critical-path-first ordering of ready tasks (task priority = the recorded seconds still ahead on its path).
// Run: pnpm bench:makespan   (BENCH_N=200, BENCH_SCALE=0.5, BENCH_DATABASE_URL=... optional)
import { sql } from 'kysely';
import { remainingPathSeconds, TYPICAL_TASK_SECONDS } from '@regbatch/machines';
import type { SimulateConfig } from '../../packages/server/src/work/simulate';
import { createSimulateHandlers } from '../../packages/server/src/work/simulate';
import { createWorker, type Worker } from '../../packages/server/src/work/worker';
import { createRegistry } from '../../packages/server/src/work/registry';
import { defaultLimits } from '../../packages/server/src/work/limits';
import { ORG, SYSTEM, batchSettled, benchDb, log, makeRestaurants, table, waitUntil, writeResult, type BenchDb } from './support';

const N = Number(process.env['BENCH_N'] ?? 200);
/** Milliseconds per second the original recorded. */
const SCALE = Number(process.env['BENCH_SCALE'] ?? 0.5);

/** Recorded seconds per task (reference §9), as the machines' critical-path priorities use them. */
const RECORDED_S: Record<string, number> = TYPICAL_TASK_SECONDS;
/**
 * The simulated world's browser kinds: the product's, less codeGeneration, modelled as the original ran it (a script
 * its server ran, reference §1.4), so that lengthening it gives a long step off the browser budget that
 * overlaps other work: the critical-path-dominated run needs one.
 */
const BROWSER_KINDS = defaultLimits({ accountGapMs: 0 }).browserKinds.filter((k) => k !== 'codeGeneration');
const limitsFor = (spec: { gapMs: number; slots: number }) => ({ ...defaultLimits({ accountGapMs: spec.gapMs, browserSlots: spec.slots }), browserKinds: BROWSER_KINDS });

interface RunSpec {
  name: string;
  n: number;
  slots: number;
  gapMs: number;
  /** Recorded seconds overridden for this run (e.g. a long non-browser step that makes the path dominate). */
  override?: Record<string, number>;
  cpFirst: boolean;
}

function simulateConfig(spec: RunSpec): SimulateConfig {
  const durations: Record<string, { minMs: number; maxMs: number }> = {};
  for (const [k, s] of Object.entries({ ...RECORDED_S, ...spec.override })) durations[k] = { minMs: s * SCALE, maxMs: s * SCALE };
  return { durations };
}

async function setPriorities(b: BenchDb, cpFirst: boolean): Promise<void> {
  // Critical-path-first is the engine's own order (each task's priority is machines' taskPriority). The FIFO baseline
  // runs with a trigger (bench database only) that zeroes every new task's priority, so the claim orders by run_at.
  await sql`drop trigger if exists bench_fifo on registration_tasks`.execute(b.db);
  if (cpFirst) return;
  await sql`create or replace function bench_fifo_priority() returns trigger language plpgsql as $$
    begin new.priority := 0; return new; end $$`.execute(b.db);
  await sql`create trigger bench_fifo before insert on registration_tasks for each row execute function bench_fifo_priority()`.execute(b.db);
}

async function run(b: BenchDb, spec: RunSpec) {
  await setPriorities(b, spec.cpFirst);
  await sql`update organisations set settings = settings - 'accountGapMs' where id = ${ORG}`.execute(b.db);
  const handlers = createSimulateHandlers(simulateConfig(spec));
  const limits = limitsFor(spec);
  // Two in-process workers, each able to hold every non-browser task of the batch at once (browser slots are the
  // global limit under test, not the workers' own concurrency).
  const workers: Worker[] = [0, 1].map((i) =>
    createWorker({ db: b.db, engine: b.rt.engine, secrets: b.rt.secrets, log, registry: createRegistry(handlers) }, { id: `bench-${spec.name}-${i}`, maxInProcess: spec.n + 16, leaseMs: 60_000, pollMs: 1000, limits, listenUrl: b.url }),
  );
  for (const w of workers) await w.start();
  const restaurants = await makeRestaurants(b.db, spec.n, `Makespan ${spec.name}`);
  const { batchId } = await b.rt.engine.createBatch({ organisationId: ORG, name: `Makespan ${spec.name}`, restaurants });
  const t0 = Date.now();
  await b.rt.engine.applyEventOrThrow({ type: 'batch', id: batchId }, { type: 'batch.start' }, SYSTEM);
  await waitUntil(() => batchSettled(b.db, batchId), 1_800_000, `batch ${spec.name}`, 50);
  const makespanMs = Date.now() - t0;
  for (const w of workers) await w.stop();

  const { rows } = await sql<{ kind: string; ms: string; n: string; failed: string }>`
    select kind, sum(extract(epoch from finished_at - started_at) * 1000) filter (where status = 'succeeded') as ms,
           count(*) filter (where status = 'succeeded') as n, count(*) filter (where status <> 'succeeded') as failed
      from registration_tasks where batch_id = ${batchId} group by kind`.execute(b.db);
  const { rows: st } = await sql<{ status: string; n: string }>`select status, count(*) as n from registration_jobs where batch_job_id = ${batchId} group by 1`.execute(b.db);
  // The work the bound counts is the configured durations of the tasks that succeeded (claim-to-report times also
  // hold the engine's overhead, which is what the ratio shows).
  const recorded: Record<string, number> = { ...RECORDED_S, ...spec.override };
  const browserWorkMs = rows.filter((r) => BROWSER_KINDS.includes(r.kind)).reduce((s, r) => s + Number(r.n) * (recorded[r.kind] ?? 0) * SCALE, 0);
  const observedBrowserMs = rows.filter((r) => BROWSER_KINDS.includes(r.kind)).reduce((s, r) => s + Number(r.ms ?? 0), 0);
  const criticalPathMs = remainingPathSeconds({ ...TYPICAL_TASK_SECONDS, ...spec.override })['extraction.run'] * SCALE;
  const work = browserWorkMs / spec.slots;
  const gap = spec.gapMs * spec.n;
  const bound = Math.max(criticalPathMs, work, gap);
  const dominant = bound === criticalPathMs ? 'critical path' : bound === work ? 'work / C' : 'gap × N';
  return {
    run: spec.name,
    N: spec.n,
    C: spec.slots,
    gap_ms: spec.gapMs,
    order: spec.cpFirst ? 'critical-path-first' : 'fifo (run_at)',
    critical_path_s: criticalPathMs / 1000,
    work_over_C_s: work / 1000,
    gap_x_N_s: gap / 1000,
    bound_s: bound / 1000,
    dominant,
    measured_s: makespanMs / 1000,
    ratio: makespanMs / bound,
    jobs: st.map((s) => `${s.status}=${s.n}`).join(' '),
    tasks: rows.reduce((s, r) => s + Number(r.n), 0),
    browser_claim_to_report_over_C_s: observedBrowserMs / spec.slots / 1000,
  };
}

async function main(): Promise<void> {
  const b = await benchDb(24);
  console.log(`makespan benchmark: N=${N}, ${SCALE} ms per recorded second, ${b.where}`);
  // Recorded browser seconds per restaurant; each run's free parameter is set 1.5× past the other terms.
  const browserS = Object.entries(RECORDED_S).filter(([k]) => BROWSER_KINDS.includes(k)).reduce((s, [, v]) => s + v, 0);
  // codeGeneration is the one sub-step outside this world's browser budget: lengthening it makes the path dominate.
  const longPath = { codeGeneration: Math.round((1.5 * N * browserS) / 4) };
  const gapMs = Math.round((1.5 * browserS * SCALE) / 8);
  const specs: RunSpec[] = [
    { name: 'C2-work', n: N, slots: 2, gapMs: 0, cpFirst: false },
    { name: 'C2-work-cp', n: N, slots: 2, gapMs: 0, cpFirst: true },
    { name: 'C8-gap', n: N, slots: 8, gapMs, cpFirst: true },
    { name: 'C4-path', n: N, slots: 4, gapMs: 0, override: longPath, cpFirst: true },
    { name: 'C4-work-cp', n: N, slots: 4, gapMs: 0, cpFirst: true },
  ];
  const only = process.env['BENCH_RUNS']?.split(',');
  const results = [];
  for (const s of specs.filter((x) => !only || only.includes(x.name))) {
    const r = await run(b, s);
    results.push(r);
    console.log(table([r]));
  }
  console.log(`\n${table(results)}`);
  console.log(`wrote ${writeResult('makespan', { n: N, scaleMsPerRecordedSecond: SCALE, recordedSeconds: RECORDED_S, results })}`);
  await b.close();
}

await main();
