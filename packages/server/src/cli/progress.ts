// A batch's progress as the CLI shows it: read (the API's batches.get and jobs.list, plus step 6's sub-step
// progress), rendered as progress bars on a terminal (the batch, then each restaurant at its current step) or as
// one line per change when stdout is not a terminal, and waited on until the batch needs nothing more from us.
import { sql } from 'kysely';
import cliProgress from 'cli-progress';
import { STEPS, SUB_STEP_KEYS } from '@regbatch/machines';
import type { CliSession } from './session';

type BatchView = Awaited<ReturnType<CliSession['api']['batches']['get']>>;
type JobView = Awaited<ReturnType<CliSession['api']['jobs']['list']>>['items'][number];

export interface JobLine {
  readonly id: string;
  readonly restaurantId: string;
  readonly name: string;
  readonly status: string;
  readonly currentStep: number | null;
  /** The lowest step waiting for a person, if any. */
  readonly waitingAtStep: number | null;
  readonly errorMessage: string | null;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  /** Step 6: sub-steps done (completed or skipped) out of twelve, and the ones running now. */
  readonly subStepsDone: number;
  readonly subStepsRunning: readonly string[];
  readonly steps: Readonly<Record<string, string>>;
}

export interface BatchProgress {
  readonly batch: BatchView;
  readonly jobs: readonly JobLine[];
}

export const FINISHED_BATCH = new Set(['completed', 'failed', 'cancelled']);
export const FINISHED_JOB = new Set(['completed', 'failed', 'cancelled', 'skipped']);

export async function readProgress(session: CliSession, batchId: string): Promise<BatchProgress> {
  const batch = await session.api.batches.get({ batchId });
  const jobs: JobView[] = [];
  for (let offset: number | null = 0; offset !== null; ) {
    const page: { items: JobView[]; nextOffset: number | null } = await session.api.jobs.list({ batchId, limit: 500, offset });
    jobs.push(...page.items);
    offset = page.nextOffset;
  }
  const sub = await subStepsOf(session, jobs.map((j) => j.id));
  return {
    batch,
    jobs: jobs.map((j) => ({
      id: j.id,
      restaurantId: j.restaurant.id,
      name: j.restaurant.name ?? j.restaurant.id,
      status: j.status,
      currentStep: j.currentStep,
      waitingAtStep: j.waitingAtStep,
      errorMessage: j.errorMessage,
      startedAt: j.startedAt,
      completedAt: j.completedAt,
      subStepsDone: sub.get(j.id)?.done ?? 0,
      subStepsRunning: sub.get(j.id)?.running ?? [],
      steps: j.steps,
    })),
  };
}

/** Step 6's sub_step_progress (the seed's JSON) per job: how many are done and which run now. */
async function subStepsOf(session: CliSession, jobIds: readonly string[]): Promise<Map<string, { done: number; running: string[] }>> {
  const out = new Map<string, { done: number; running: string[] }>();
  if (jobIds.length === 0) return out;
  const { rows } = await sql<{ job_id: string; progress: { phases?: Record<string, { sub_steps?: Record<string, { status?: string }> }> } | null }>`
    select job_id, sub_step_progress as progress from registration_job_steps
     where step_number = 6 and job_id = any(${jobIds as string[]}::uuid[])`.execute(session.db);
  for (const r of rows) {
    let done = 0;
    const running: string[] = [];
    for (const phase of Object.values(r.progress?.phases ?? {})) {
      for (const [key, entry] of Object.entries(phase.sub_steps ?? {})) {
        if (entry.status === 'completed' || entry.status === 'skipped') done++;
        else if (entry.status === 'in_progress' || entry.status === 'retrying') running.push(key);
      }
    }
    out.set(r.job_id, { done, running });
  }
  return out;
}

/** "step 3/6 Company Selection", "step 6/6 Pumpd Account Setup 5/12 (menuImport)", "completed", "waiting at step 3". */
export function describeJob(j: JobLine): string {
  if (FINISHED_JOB.has(j.status)) return j.status === 'failed' && j.errorMessage ? `failed: ${j.errorMessage}` : j.status;
  if (j.waitingAtStep !== null) return `waiting for a person at step ${j.waitingAtStep} (${STEPS[j.waitingAtStep - 1]?.name ?? ''})`;
  if (j.currentStep === null) return j.status;
  const name = STEPS[j.currentStep - 1]?.name ?? '';
  const sub = j.currentStep === 6 ? ` ${j.subStepsDone}/${SUB_STEP_KEYS.length}${j.subStepsRunning.length ? ` (${j.subStepsRunning.join(', ')})` : ''}` : '';
  return `step ${j.currentStep}/6 ${name}${sub}`;
}

/** Progress of one job in twelfths of a step: six steps, step 6 counted by its sub-steps. */
export function jobUnits(j: JobLine): number {
  const total = 6 * SUB_STEP_KEYS.length;
  if (j.status === 'completed' || j.status === 'skipped') return total;
  const step = j.currentStep ?? 0;
  if (step <= 0) return 0;
  return (step - 1) * SUB_STEP_KEYS.length + (step === 6 ? j.subStepsDone : 0);
}

export function batchLine(p: BatchProgress): string {
  const b = p.batch;
  const waiting = p.jobs.filter((j) => !FINISHED_JOB.has(j.status) && j.waitingAtStep !== null).length;
  return `${b.name}: ${b.status}${b.paused ? ' (paused)' : ''}, ${b.completedRestaurants}/${b.totalRestaurants} completed, ${b.failedRestaurants} failed${waiting ? `, ${waiting} waiting for a person` : ''}`;
}

export interface ProgressView {
  update(p: BatchProgress): void;
  stop(): void;
}

interface Writable {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Where progress goes for a command: bars on the process's terminal, else lines through the command's own output. */
export function progressStream(print: (text: string) => void): Writable {
  if (process.stdout.isTTY) return process.stdout;
  return { write: (text: string) => print(text.replace(/\n$/, '')) };
}

/** Bars on a terminal; elsewhere (pipes, tests, CI logs) one line whenever a restaurant's state changes. */
export function createProgressView(stream: Writable, options: { tty?: boolean } = {}): ProgressView {
  const tty = options.tty ?? stream.isTTY === true;
  return tty ? barsView(stream) : linesView(stream);
}

function linesView(stream: Writable): ProgressView {
  const last = new Map<string, string>();
  let lastBatch = '';
  return {
    update(p) {
      for (const j of p.jobs) {
        const text = describeJob(j);
        if (last.get(j.id) !== text) {
          last.set(j.id, text);
          stream.write(`  ${j.name}: ${text}\n`);
        }
      }
      const b = batchLine(p);
      if (b !== lastBatch) {
        lastBatch = b;
        stream.write(`${b}\n`);
      }
    },
    stop() {},
  };
}

function barsView(stream: Writable): ProgressView {
  const multi = new cliProgress.MultiBar(
    {
      stream: stream as unknown as NodeJS.WritableStream,
      clearOnComplete: false,
      hideCursor: true,
      autopadding: true,
      format: ' {bar} {label}',
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  const unitsPerJob = 6 * SUB_STEP_KEYS.length;
  // A label wider than the terminal wraps, and the bars then redraw over each other: cut it to fit.
  const fit = (label: string) => {
    const room = Math.max(20, (stream.columns ?? 100) - 24 - 3);
    return label.length > room ? `${label.slice(0, room - 1)}…` : label;
  };
  let batchBar: cliProgress.SingleBar | null = null;
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    update(p) {
      const width = Math.max(20, Math.min(48, ...p.jobs.map((j) => j.name.length)));
      if (!batchBar) batchBar = multi.create(Math.max(1, p.jobs.length * unitsPerJob), 0, { label: '' });
      batchBar.setTotal(Math.max(1, p.jobs.length * unitsPerJob));
      batchBar.update(
        p.jobs.reduce((n, j) => n + jobUnits(j), 0),
        { label: fit(batchLine(p)) },
      );
      for (const j of p.jobs) {
        let bar = bars.get(j.id);
        if (!bar) {
          bar = multi.create(unitsPerJob, 0, { label: '' });
          bars.set(j.id, bar);
        }
        bar.update(jobUnits(j), { label: fit(`${j.name.padEnd(width).slice(0, width)}  ${describeJob(j)}`) });
      }
    },
    stop() {
      multi.stop();
    },
  };
}

/** True when nothing more will happen without a person: every job finished or waiting at a human step. */
export function settled(p: BatchProgress): boolean {
  if (FINISHED_BATCH.has(p.batch.status)) return true;
  if (p.batch.status === 'draft' || p.batch.status === 'pending') return false;
  return p.jobs.length > 0 && p.jobs.every((j) => FINISHED_JOB.has(j.status) || j.waitingAtStep !== null);
}

export interface WatchOptions {
  readonly intervalMs?: number;
  readonly signal?: AbortSignal;
  /** Called with each reading; may act (the demo answers reviews here). */
  readonly onProgress?: (p: BatchProgress) => void | Promise<void>;
  /** Stop when this says so (default: `settled`). */
  readonly until?: (p: BatchProgress) => boolean;
  /** Give up after this long (ms). */
  readonly timeoutMs?: number;
}

export class WatchTimeout extends Error {
  readonly code = 'watch_timeout';
  readonly retryable = true;
}

/** Polls the batch until `until` holds; returns the last reading. Polling reads two small pages: cheap. */
export async function watchBatch(session: CliSession, batchId: string, options: WatchOptions = {}): Promise<BatchProgress> {
  const until = options.until ?? settled;
  const interval = options.intervalMs ?? 500;
  const deadline = options.timeoutMs ? Date.now() + options.timeoutMs : Infinity;
  for (;;) {
    const p = await readProgress(session, batchId);
    await options.onProgress?.(p);
    if (until(p)) return p;
    if (options.signal?.aborted) return p;
    if (Date.now() > deadline) throw new WatchTimeout(`batch ${batchId} did not settle within ${options.timeoutMs} ms: ${batchLine(p)}`);
    await new Promise<void>((resolve) => {
      const onAbort = () => {
        clearTimeout(t);
        resolve();
      };
      const t = setTimeout(() => {
        options.signal?.removeEventListener('abort', onAbort);
        resolve();
      }, interval);
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
