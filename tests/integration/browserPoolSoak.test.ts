// One worker's browser pool under a long run (issue 6): fifty real codeGeneration tasks through the real handler
// path against the sandbox, with recycling below fifty, a tab crash and a killed browser in the middle. Chromium
// processes are observed in /proc as descendants of this test process only (other engineers' browsers share the host).
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowserPool, findChromium, type BrowserPool } from '@regbatch/automation';
import { defaultExecutionConfig, normaliseExecutionConfig, type SubStepInput } from '@regbatch/machines';
import { TaskFailure, createRealHandlers, restaurantFacts, type TaskHandler } from '@regbatch/server';
import { ORG, importLeads, log, startEnv, type Env } from './support';

const TASKS = 50;
const RECYCLE_AFTER = 15;
/** This task's tab is crashed over CDP (Page.crash) once its first page has loaded. */
const TAB_CRASH_AT = 22;
/** The browser process is SIGKILLed once this task has its context, before its flow opens a page. */
const BROWSER_KILL_AT = 38;

interface Proc {
  pid: number;
  ppid: number;
  state: string;
  comm: string;
  /** Start time in clock ticks since boot: tells a process from a later one that reused its pid. */
  start: string;
  rssKb: number;
}

const PAGE_KB = 4;
/** Playwright's Browser, as the pool hands it out (playwright-core is automation's dependency, not ours). */
type Browser = NonNullable<ReturnType<Parameters<Parameters<BrowserPool['withContext']>[0]>[0]['browser']>>;

function processes(): Map<number, Proc> {
  const out = new Map<number, Proc>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited while we listed
    }
    // comm may hold spaces and parentheses: it ends at the last ')'.
    const close = stat.lastIndexOf(')');
    const rest = stat.slice(close + 2).split(' ');
    out.set(Number(name), {
      pid: Number(name),
      comm: stat.slice(stat.indexOf('(') + 1, close),
      state: rest[0] ?? '?',
      ppid: Number(rest[1]),
      start: rest[19] ?? '',
      rssKb: Number(rest[21]) * PAGE_KB,
    });
  }
  return out;
}

/** Chromium processes below this test process (the pool's browser and its zygotes, renderers and utilities). */
function ourChromiums(): Proc[] {
  const all = processes();
  const mine = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all.values()) {
      if (!mine.has(p.pid) && mine.has(p.ppid)) {
        mine.add(p.pid);
        grew = true;
      }
    }
  }
  return [...all.values()].filter((p) => p.pid !== process.pid && mine.has(p.pid) && /chrom/i.test(p.comm));
}

/** Still in the process table as the same process (pid and start time), zombies included. */
function stillThere(p: Proc): boolean {
  return processes().get(p.pid)?.start === p.start;
}

const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

let env: Env;
let handlers: Record<string, TaskHandler>;
let pool: BrowserPool;
let observed: BrowserPool;
const seen = new Map<number, Proc>();
const browsers = new Set<Browser>();
let taskNo = 0;
/** Summed RSS of our Chromium processes as each task's flow finished, its page still open. */
const browserKbInTask: number[] = [];
/** The browser process each task ran in. */
const browserPidInTask: number[] = [];

beforeAll(async () => {
  env = await startEnv({ browserSlots: 1, concurrency: 1 });
  const chromium = findChromium(process.env['CHROMIUM_PATH'] ?? null);
  if (!chromium) throw new Error('no Chromium: run scripts/ensure-browser.mjs or set CHROMIUM_PATH');
  // The worker process's pool as createRealHandlers builds it, with a recycle threshold the run crosses twice.
  pool = createBrowserPool({ executablePath: chromium, allowedHosts: ['127.0.0.1', 'localhost'], maxContexts: 1, recycleAfter: RECYCLE_AFTER, log: log.child({ component: 'browser-pool' }) });
  // The real pool, watched: every Chromium process alive while a task holds its context is remembered, and the
  // browser of task BROWSER_KILL_AT is killed as a crash would kill it.
  observed = {
    stats: () => pool.stats(),
    close: () => pool.close(),
    withContext: (fn, opts) =>
      pool.withContext(async (context) => {
        const browser = context.browser();
        if (browser) browsers.add(browser);
        try {
          browserPidInTask.push(ourChromiums().find((p) => p.ppid === process.pid && p.state !== 'Z')?.pid ?? 0);
          if (taskNo === TAB_CRASH_AT) {
            // The sandbox's crashing page crashes the tab by exhausting memory, which on a loaded host can outlast the
            // action timeout; CDP's Page.crash kills the renderer at once, the same event for the flow and the pool.
            context.once('page', (page) => {
              page.once('load', () => {
                void context.newCDPSession(page).then((cdp) => cdp.send('Page.crash')).catch(() => undefined);
              });
            });
          }
          if (taskNo === BROWSER_KILL_AT) {
            const main = ourChromiums().filter((p) => p.ppid === process.pid);
            expect(main).toHaveLength(1);
            const disconnected = new Promise((r) => browser?.once('disconnected', r));
            process.kill(main[0]!.pid, 'SIGKILL');
            await disconnected;
          }
          return await fn(context);
        } finally {
          const now = ourChromiums();
          for (const p of now) if (!seen.has(p.pid)) seen.set(p.pid, p);
          browserKbInTask.push(now.reduce((s, p) => s + p.rssKb, 0));
        }
      }, opts),
  };
  handlers = createRealHandlers({ db: env.rt.db, secrets: env.rt.secrets, log, sandboxUrl: env.sandbox.url, pool: observed, artifacts: null }).handlers;
}, 120_000);

afterAll(async () => {
  await pool?.close();
  await env?.close();
});

describe('one worker’s browser pool over a long run', () => {
  it('fifty consecutive tasks with recycling, a crashed tab and a killed browser leave no Chromium process or context behind', async () => {
    const started = Date.now();
    const before = ourChromiums();
    const ids = [...(await importLeads(env)).values()];
    const { rows } = await sql<Record<string, unknown>>`select * from public.restaurants where id = any(${ids}::uuid[]) order by name`.execute(env.rt.db);
    const password = await env.rt.secrets.put('Soak-Run-P@ss1', { organisationId: ORG, purpose: 'browser pool soak' });
    const inputs: SubStepInput[] = rows.map((r) => {
      const draft = defaultExecutionConfig(restaurantFacts(r), null, { accountPasswordRef: password });
      const config = normaliseExecutionConfig({ ...draft, email: draft.email ?? 'soak@example.nz', phone: draft.phone ?? '+6495550100' });
      return { key: 'codeGeneration', jobId: randomUUID(), batchId: randomUUID(), organisationId: ORG, restaurantId: r['id'] as string, config, upstream: {} };
    });

    const nodeStartKb = process.memoryUsage().rss / 1024;
    let nodePeakKb = nodeStartKb;
    const browserPid: number[] = [];
    const outcomes: (TaskFailure | null)[] = [];
    const taskMs: number[] = [];
    for (taskNo = 1; taskNo <= TASKS; taskNo++) {
      const input = inputs[(taskNo - 1) % inputs.length]!;
      const key = randomUUID();
      const taskStarted = Date.now();
      const result = await handlers['codeGeneration']!({
        task: { id: randomUUID(), kind: 'codeGeneration', task: 'codeGeneration', jobId: input.jobId, batchId: input.batchId, organisationId: ORG, idempotencyKey: key, attempt: 1, input },
        input,
        signal: new AbortController().signal,
        idempotencyKey: key,
        workerId: 'soak',
        db: env.rt.db,
        log,
      }).then(
        (out) => {
          // The generated code carries this restaurant's colour: the flow really ran.
          expect((out as { headInjection: string }).headInjection).toContain((input.config as { settings: { primary_color: string } }).settings.primary_color.toLowerCase());
          return null;
        },
        (err: unknown) => err as TaskFailure,
      );
      outcomes.push(result);
      taskMs.push(Date.now() - taskStarted);

      // At every task end: no context open, in the pool's count nor in any Chromium still connected.
      expect(pool.stats().activeContexts, `task ${taskNo}`).toBe(0);
      for (const b of browsers) expect(b.isConnected() ? b.contexts().length : 0, `task ${taskNo}`).toBe(0);
      const chromiums = ourChromiums();
      const main = chromiums.filter((p) => p.ppid === process.pid && p.state !== 'Z');
      expect(main.length, `task ${taskNo}: at most one browser alive between tasks`).toBeLessThanOrEqual(1);
      browserPid.push(main[0]?.pid ?? 0);
      nodePeakKb = Math.max(nodePeakKb, process.memoryUsage().rss / 1024);
    }
    const browserIdleKb = ourChromiums().reduce((s, p) => s + p.rssKb, 0);
    const nodeEndKb = process.memoryUsage().rss / 1024;

    // The injected faults fail their own task only, as retryable; every other task succeeds.
    expect(outcomes[TAB_CRASH_AT - 1]).toBeInstanceOf(TaskFailure);
    expect(outcomes[TAB_CRASH_AT - 1]).toMatchObject({ code: 'tab_crashed', retryable: true });
    expect(outcomes[BROWSER_KILL_AT - 1]).toBeInstanceOf(TaskFailure);
    expect(outcomes[BROWSER_KILL_AT - 1]).toMatchObject({ code: 'browser_closed', retryable: true });
    const unexpected = outcomes.map((o, i) => (o && i + 1 !== TAB_CRASH_AT && i + 1 !== BROWSER_KILL_AT ? `task ${i + 1}: ${o.code} ${o.message}` : null)).filter(Boolean);
    expect(unexpected).toEqual([]);

    // A new browser exactly where the pool recycles (after 15 tasks) or relaunches (after the kill), never after the
    // crashed tab; the browser launched after the kill counts afresh and runs the last 12 tasks.
    const changes = browserPidInTask.flatMap((pid, i) => (i > 0 && pid !== browserPidInTask[i - 1] ? [i + 1] : []));
    expect(changes).toEqual([RECYCLE_AFTER + 1, 2 * RECYCLE_AFTER + 1, BROWSER_KILL_AT + 1]);
    // A retired browser is closed before its last task returns, a killed one is gone: between tasks only the current
    // browser runs, and none after the 15th, the 30th and the killed task.
    const idle = browserPid.flatMap((pid, i) => (pid === 0 ? [i + 1] : []));
    expect(idle).toEqual([RECYCLE_AFTER, 2 * RECYCLE_AFTER, BROWSER_KILL_AT]);
    expect(browserPid.every((pid, i) => pid === 0 || pid === browserPidInTask[i])).toBe(true);
    expect(pool.stats().launches).toBe(4);

    await pool.close();
    expect(pool.stats().activeContexts).toBe(0);
    for (const b of browsers) expect(b.isConnected()).toBe(false);
    // Every Chromium process this run saw (browsers, zygotes, renderers) is gone, reparented orphans included.
    // Children of a killed browser exit once its IPC closes, which takes a moment on a loaded host: a leak is a
    // process still there after a grace period, not one that is exiting.
    const graceStarted = Date.now();
    let left = [...seen.values()].filter(stillThere);
    while (left.length && Date.now() - graceStarted < 10_000) {
      await new Promise((r) => setTimeout(r, 250));
      left = left.filter(stillThere);
    }
    expect(left.map((p) => `${p.pid} ${p.comm} (parent ${p.ppid} when seen)`)).toEqual([]);
    const graceMs = Date.now() - graceStarted;
    expect(ourChromiums().map((p) => p.pid).sort()).toEqual(before.map((p) => p.pid).sort());
    expect(seen.size).toBeGreaterThan(4);

    const nodeAfterKb = process.memoryUsage().rss / 1024;
    console.log(
      `browser pool soak: ${TASKS} codeGeneration tasks, recycle after ${RECYCLE_AFTER}, ${pool.stats().launches} launches, ${seen.size} Chromium processes seen, all gone ${graceMs} ms after close, ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s (median task ${[...taskMs].sort((a, b) => a - b)[Math.floor(taskMs.length / 2)]} ms, crashed tab ${taskMs[TAB_CRASH_AT - 1]} ms)\n` +
        `  RSS node: start ${mb(nodeStartKb)}, peak ${mb(nodePeakKb)}, end ${mb(nodeEndKb)}, after close ${mb(nodeAfterKb)}\n` +
        `  RSS Chromium (summed over its processes, page open): task 1 ${mb(browserKbInTask[0] ?? 0)}, peak ${mb(Math.max(...browserKbInTask))}, ` +
        `task ${TASKS} ${mb(browserKbInTask.at(-1) ?? 0)}; idle after the last task ${mb(browserIdleKb)}, after close ${mb(ourChromiums().reduce((s, p) => s + p.rssKb, 0))}`,
    );
  }, 240_000);
});
