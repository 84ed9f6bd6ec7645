// `regbatch demo`: the README's main job, unattended. Ensures a browser; starts the database (embedded, or
// DATABASE_URL), migrates, starts the sandbox in-process and points the organisation at it; imports the leads;
// creates and starts a batch whose two human steps are answered by explicit policies; runs every restaurant
// through the six steps with workers in this process; prints the summary and the sandbox's own verification; then
// keeps the API (and web UI) running, or exits with --exit (non-zero when anything failed verification).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { Command } from 'commander';
import { createSandboxServer, NZBN_BASE_PATH, SANDBOX_PORTAL_DEFAULTS, type SandboxServer } from '@regbatch/automation';
import type { Env } from '../env';
import { openDatabase } from '../db/connect';
import { migrate } from '../db/migrate';
import { projectRoot } from '../db/paths';
import { startServe, type RunningServe } from '../main';
import { createWorker, type Worker } from '../work/worker';
import { createRegistry } from '../work/registry';
import { defaultLimits, PRODUCTION_ACCOUNT_GAP_MS, SANDBOX_ACCOUNT_GAP_MS } from '../work/limits';
import type { SimulateConfig } from '../work/simulate';
import { createFileLogger, type CliContext } from './context';
import { listenForShutdown } from './signals';
import { ensureBrowser } from './browser';
import { importLeads } from './leads';
import { openCliSession, type CliSession } from './session';
import { FINISHED_JOB, createProgressView, progressStream, settled, watchBatch, type BatchProgress } from './progress';
import { formatDuration, readSummary, renderSummary, type SummaryRow } from './summary';
import { renderVerification, verifyAgainstSandbox, type Verification } from './verify';
import { handlersFor, TARGETS, type Target } from './targets';
import { parseChoice } from './batch';

export interface DemoOptions {
  leads?: string | undefined;
  registry?: string | undefined;
  limit?: number | undefined;
  target: Target;
  autoSelect: 'confident' | 'never';
  config: 'defaults' | 'never';
  browserSlots: number;
  accountGapMs: number;
  host: string;
  port: number;
  exit: boolean;
  json: boolean;
  timeoutMs: number;
  /** Simulate target: handler behaviour (durations, failures). */
  simulate?: SimulateConfig;
  /** Where the bars go (a terminal) — lines otherwise. */
  progress?: { write(text: string): unknown; isTTY?: boolean };
  /** Resolves when the kept-running demo should stop (SIGINT/SIGTERM by default). */
  until?: Promise<unknown>;
  /** Where ctx.log writes (said at the start), when it is a file. */
  logFile?: string;
}

export interface DemoResult {
  readonly batchId: string;
  readonly apiUrl: string;
  readonly sandboxUrl: string;
  readonly leadsFile: string;
  readonly target: Target;
  readonly rows: readonly SummaryRow[];
  readonly verification: Verification | null;
  readonly ok: boolean;
  readonly wallMs: number;
}

export class DemoFailed extends Error {
  readonly code = 'demo_failed';
  readonly retryable = false;
}

/** The leads file: the one given, else ../shared/fixtures/leads.csv when present, else the project's example. */
export function defaultLeadsFile(root: string = projectRoot()): string {
  const shared = path.resolve(root, '../shared/fixtures/leads.csv');
  return existsSync(shared) ? shared : path.join(root, 'examples/leads.csv');
}

/** The register the sandbox serves: the one given, else registry.json beside the leads file, else the shared one, else the example's. */
export function defaultRegistryFile(leadsFile: string, root: string = projectRoot()): string {
  for (const candidate of [path.join(path.dirname(leadsFile), 'registry.json'), path.resolve(root, '../shared/fixtures/registry.json')]) {
    if (existsSync(candidate)) return candidate;
  }
  return path.join(root, 'examples/registry.json');
}

/** The organisation's settings pointing every outside site at the sandbox, with the sandbox's own credentials. */
export function sandboxSettings(sandboxUrl: string, accountGapMs: number) {
  const d = SANDBOX_PORTAL_DEFAULTS;
  return {
    target: 'sandbox' as const,
    adminUrl: `${sandboxUrl}/admin`,
    manageUrl: `${sandboxUrl}/manage`,
    manageEmail: d.manageAdmin.email,
    apiUrl: `${sandboxUrl}/cw-api`,
    integratorId: d.integrators[0].id,
    onboardingUrl: `${sandboxUrl}/onboarding`,
    cdnUrl: `${sandboxUrl}/cdn`,
    cdnPublicKey: d.cdn.publicKey,
    nzbnApiUrl: `${sandboxUrl}${NZBN_BASE_PATH}`,
    registerUrl: sandboxUrl,
    accountGapMs,
    managePassword: d.manageAdmin.password,
    integratorSecret: d.integrators[0].secret,
    verificationCode: d.verificationCode,
    onboardingKey: d.onboardingApiKey,
    nzbnApiKey: 'sandbox-subscription-key',
    cdnSecret: d.cdn.secretKey,
  };
}

/** Effects the simulate target recorded for the batch, and how many were recorded twice (must be none). */
async function simulateLedger(session: CliSession, batchId: string): Promise<{ effects: number; duplicates: number }> {
  const { rows } = await sql<{ effects: string; keys: string }>`
    select count(*)::text as effects, count(distinct idempotency_key)::text as keys from simulate_effects e
     where e.job_id in (select id from registration_jobs where batch_job_id = ${batchId})`.execute(session.db);
  const effects = Number(rows[0]?.effects ?? 0);
  return { effects, duplicates: effects - Number(rows[0]?.keys ?? 0) };
}

export async function runDemo(env: Env, ctx: CliContext, o: DemoOptions): Promise<DemoResult> {
  const t0 = Date.now();
  // Serving after the run: listen from the start, so a signal sent any time before that is not lost.
  const shutdown = !o.exit && !o.until ? listenForShutdown() : null;
  const say = (line: string) => {
    if (!o.json) ctx.print(line);
  };
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const fn of closers.reverse()) await fn().catch((error: unknown) => ctx.log.warn({ err: String(error) }, 'shutdown step failed'));
    closers.length = 0;
  };
  try {
    say('regbatch demo: the main job, unattended');
    if (o.logFile) say(`      log: ${o.logFile.startsWith(process.cwd()) ? path.relative(process.cwd(), o.logFile) : o.logFile} (warnings and errors also on this terminal)`);

    // 1. A browser (the simulate target drives none).
    let browser: ReturnType<typeof ensureBrowser> | null = null;
    if (o.target === 'sandbox') {
      browser = ensureBrowser({ chromiumPath: env.CHROMIUM_PATH, wsEndpoint: env.BROWSER_WS_ENDPOINT, print: say });
      say(`[1/9] browser: ${browser.executablePath ?? `remote ${browser.wsEndpoint}`}${browser.installed ? ' (installed now)' : ''}`);
    } else say('[1/9] browser: not needed (--target simulate: a dry run whose effects land in the simulate ledger)');

    // 2. Database, schema, sandbox, settings.
    const leadsFile = path.resolve(o.leads ?? defaultLeadsFile());
    if (!existsSync(leadsFile)) throw new DemoFailed(`--leads: ${leadsFile} does not exist`);
    const registryFile = path.resolve(o.registry ?? defaultRegistryFile(leadsFile));
    const database = await openDatabase(env, ctx.log);
    closers.push(() => database.close());
    const migrated = await migrate(database.url, { seed: true, log: ctx.log });
    const sandbox: SandboxServer = await createSandboxServer({ host: '127.0.0.1', port: 0, storeLeadsFile: leadsFile, registryFile });
    closers.push(() => sandbox.close());
    const where = database.embedded ? `embedded PostgreSQL on port ${database.embedded.port}` : 'DATABASE_URL';
    say(`[2/9] database: ${where}, ${migrated.applied.length} migration(s) applied; sandbox (in-process) on ${sandbox.url} serving ${path.relative(process.cwd(), registryFile) || registryFile}`);

    const session = await openCliSession(env, ctx.log, { url: database.url, poolSize: 4 * o.browserSlots + 12 });
    closers.push(() => session.close());
    const org = await session.api.settings.update(sandboxSettings(sandbox.url, o.accountGapMs));
    say(`      ${org.organisationName} (acting as ${session.user.email}) now points every outside site at the sandbox`);

    // The target's handlers, before anything is imported: an incomplete target is refused up front. The real set reads
    // the organisation's settings (just pointed at the sandbox) and launches its browser pool on first use.
    const handlers = handlersFor(o.target, {
      db: session.db,
      secrets: session.runtime.secrets,
      log: ctx.log,
      sandboxUrl: sandbox.url,
      browser: { executablePath: browser?.executablePath ?? null, wsEndpoint: browser?.wsEndpoint ?? null },
      browserSlots: o.browserSlots,
      home: env.REGBATCH_HOME,
      ...(o.simulate ? { simulate: o.simulate } : {}),
    });
    closers.push(() => handlers.close());

    // The API and web UI, up before the work starts so the batch can be watched live.
    const webDir = path.join(projectRoot(), 'packages/web/dist');
    const hasWeb = existsSync(path.join(webDir, 'index.html'));
    const serve: RunningServe = await startServe({ ...env, DATABASE_URL: database.url }, { host: o.host, port: o.port, webDir: hasWeb ? webDir : null, workers: 0 }, ctx.log).catch(
      (error: unknown) => {
        if ((error as { code?: string }).code === 'EADDRINUSE') {
          throw new DemoFailed(`the API cannot listen on ${o.host}:${o.port}: the port is in use (pass --port <free port>, or --port 0 for any)`);
        }
        throw error;
      },
    );
    closers.push(() => serve.close());

    // 3. Leads.
    const imported = await importLeads(session, leadsFile);
    const ids = o.limit !== undefined ? imported.restaurantIds.slice(0, o.limit) : [...imported.restaurantIds];
    say(`[3/9] leads: ${path.relative(process.cwd(), leadsFile) || leadsFile}: ${imported.imported} new, ${imported.updated} updated${o.limit !== undefined ? `; running the first ${ids.length} (--limit ${o.limit})` : ''}`);

    const worker: Worker = createWorker(
      { db: session.db, engine: session.runtime.engine, secrets: session.runtime.secrets, log: ctx.log, registry: createRegistry(handlers.handlers) },
      {
        maxInProcess: 2 * o.browserSlots + 2,
        leaseMs: 60_000,
        limits: defaultLimits({ accountGapMs: o.accountGapMs, browserSlots: o.browserSlots }),
        listenUrl: database.url,
      },
    );
    await worker.start();
    closers.push(() => worker.stop());

    // 4. The batch.
    const created = await session.api.batches.create({
      name: `Demo ${new Date().toISOString().slice(0, 19).replace('T', ' ')}`,
      restaurantIds: ids,
      mode: 'parallel',
      autoPolicies: { select: o.autoSelect, config: o.config },
      start: true,
    });
    say(`[4/9] batch ${created.batchId}: ${created.jobIds.length} restaurant(s), started`);
    // 5-6. The human steps, answered by explicit policies.
    say(
      o.autoSelect === 'confident'
        ? '[5/9] step 3 without a person (--auto-select confident): a confident company match is selected; every other lead is marked "no match" (no company details), and each is named below'
        : '[5/9] step 3 (--auto-select never): company selections wait for a person in the review inbox',
    );
    say(
      o.config === 'defaults'
        ? '[6/9] step 5 without a person (--config defaults): each restaurant\'s derived default configuration is submitted'
        : '[6/9] step 5 (--config never): configurations wait for a person in the review inbox',
    );
    const gap = o.accountGapMs === PRODUCTION_ACCOUNT_GAP_MS ? `${o.accountGapMs / 1000} s apart (as on the real platform)` : `${o.accountGapMs / 1000} s apart (scaled down for the sandbox; ${PRODUCTION_ACCOUNT_GAP_MS / 1000} s against the real platform)`;
    say(
      o.target === 'sandbox'
        ? `[7/9] running every restaurant through the six steps in headless Chromium against the sandbox: ${o.browserSlots} browser slot(s), workers in this process, account creations one at a time ${gap}`
        : `[7/9] running every restaurant through the six steps with the simulate handlers: workers in this process, account creations one at a time ${gap}`,
    );
    say(`      API${hasWeb ? ' and web UI' : ''}: ${serve.url}${hasWeb ? '' : ' (web UI not built: `pnpm --filter @regbatch/web build`)'}${serve.localMode ? ' — sign in with `pnpm regbatch dev-token --user admin@org-a.example`' : ''}`);

    // 7. Run, answering what the policies leave to a person.
    const answered = new Set<string>();
    const view = o.json ? null : createProgressView(o.progress ?? progressStream(ctx.print));
    const notes: string[] = [];
    let acted = false;
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    let final: BatchProgress;
    try {
      final = await watchBatch(session, created.batchId, {
        timeoutMs: o.timeoutMs,
        signal: stop.signal,
        onProgress: async (p) => {
          acted = false;
          const decide = p.jobs.filter((j) => !FINISHED_JOB.has(j.status) && (j.waitingAtStep === 2 || j.waitingAtStep === 3) && !answered.has(j.id));
          if (decide.length && o.autoSelect === 'confident') {
            const r = await session.api.reviews.noMatch({ jobIds: decide.map((j) => j.id) });
            for (const [i, j] of decide.entries()) {
              answered.add(j.id);
              const item = r.results[i];
              notes.push(
                item?.ok
                  ? `${j.name}: ${j.waitingAtStep === 2 ? 'no company found in the register' : 'no confident company match'}, marked "no match"`
                  : `${j.name}: could not be marked "no match": ${item?.message ?? 'refused'}`,
              );
            }
            acted = true;
          }
          for (const j of p.jobs) {
            if (j.waitingAtStep === 5 && !answered.has(`${j.id}:5`)) {
              answered.add(`${j.id}:5`);
              notes.push(`${j.name}: waits at step 5 for a configuration (its derived defaults were not accepted); finish it in the review inbox`);
            }
          }
          view?.update(p);
        },
        until: (p) => settled(p) && !acted,
      });
    } finally {
      view?.stop();
      process.off('SIGINT', onSignal);
    }
    if (stop.signal.aborted) throw new DemoFailed('interrupted');
    for (const n of notes) say(`      ${n}`);

    // 8. Summary and verification.
    const rows = await readSummary(session, created.batchId);
    say('[8/9] summary');
    say(renderSummary(rows, final));
    let verification: Verification | null = null;
    const completed = rows.filter((r) => r.outcome === 'completed').length;
    let ok = completed === rows.length;
    if (o.target === 'sandbox') {
      verification = await verifyAgainstSandbox(session.db, sandbox.url, rows);
      ok = ok && verification.ok;
      say('      the sandbox\'s verification (from its inspection API):');
      say(renderVerification(verification));
    } else {
      const ledger = await simulateLedger(session, created.batchId);
      ok = ok && ledger.duplicates === 0;
      say(`      verification: the simulate target creates nothing in the sandbox; its ledger holds ${ledger.effects} effect(s), ${ledger.duplicates} recorded twice`);
    }
    const wallMs = Date.now() - t0;
    say(`      ${completed}/${rows.length} restaurant(s) completed; wall time ${formatDuration(wallMs)} (${wallMs} ms)`);
    const result: DemoResult = { batchId: created.batchId, apiUrl: serve.url, sandboxUrl: sandbox.url, leadsFile, target: o.target, rows, verification, ok, wallMs };
    if (o.json) ctx.print(JSON.stringify(result));

    // 9. Keep serving, or exit.
    if (!o.exit) {
      await worker.stop(); // the work is done; the API stays
      say(`[9/9] the API${hasWeb ? ' and web UI' : ''} keep running at ${serve.url} (sandbox at ${sandbox.url}); Ctrl-C to stop`);
      // Other commands reach this run's database while it is held here (the embedded server admits one owner).
      const dbHint = database.embedded ? `DATABASE_URL=${database.url} ` : '';
      say(`      meanwhile, in another terminal: ${dbHint}pnpm regbatch batch status ${created.batchId}  (or: batch export ${created.batchId} --out results.csv)`);
      await (o.until ?? shutdown?.wait());
    } else say('[9/9] --exit: stopping the API, workers, sandbox and database');
    await closeAll();
    if (!ok) throw new DemoFailed(`demo: ${rows.length - completed} of ${rows.length} restaurant(s) did not complete${verification && !verification.ok ? ', and the sandbox verification failed' : ''}`);
    return result;
  } catch (error) {
    await closeAll();
    throw error;
  }
}

function int(name: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: expected an integer >= ${min}, got "${value}"`);
  return n;
}

interface DemoCliOptions {
  leads?: string;
  registry?: string;
  limit?: string;
  target: string;
  autoSelect: string;
  config: string;
  browserSlots: string;
  accountGapMs?: string;
  host?: string;
  port?: string;
  exit?: boolean;
  json?: boolean;
  timeout: string;
  simulate?: string;
}

export function registerDemoCommand(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description('The main job: import leads, run them all through the six steps against the local sandbox in headless Chromium, verify, and keep the API running.')
    .option('--leads <file>', 'leads CSV (default: ../shared/fixtures/leads.csv, else examples/leads.csv)')
    .option('--registry <file>', 'company register the sandbox serves (default: registry.json beside the leads file, else the shared one)')
    .option('--limit <n>', 'run only the first n leads')
    .option('--target <target>', `handlers: ${TARGETS.join(' | ')} (simulate = dry run without a browser)`, 'sandbox')
    .option('--auto-select <policy>', 'step 3 without a person: confident | never', 'confident')
    .option('--config <policy>', 'step 5 without a person: defaults | never', 'defaults')
    .option('--browser-slots <n>', 'browser contexts at once (the default concurrency)', '2')
    .option('--account-gap-ms <ms>', `minimum gap between account creations (default ${SANDBOX_ACCOUNT_GAP_MS}: the real platform's ${PRODUCTION_ACCOUNT_GAP_MS} scaled down for the sandbox)`)
    .option('--host <host>', 'API listen address (env REGBATCH_API_HOST)')
    .option('--port <port>', 'API port, 0 = any free one (env REGBATCH_API_PORT)')
    .option('--exit', 'exit when done instead of serving (exit code 1 if anything failed or the verification failed)')
    .option('--json', 'print only the result as JSON')
    .option('--timeout <seconds>', 'give up when the batch has not settled after this long', '1800')
    .option('--simulate <json>', 'simulate target: handler behaviour as JSON (durations, failureRate)')
    .action(async (o: DemoCliOptions) => {
      let simulate: SimulateConfig | undefined;
      if (o.simulate) {
        try {
          simulate = JSON.parse(o.simulate) as SimulateConfig;
        } catch (error) {
          throw new Error(`--simulate: not valid JSON (${String(error)}): ${o.simulate}`);
        }
      }
      // The terminal shows the progress view; the log goes to a file (stdout carries only the result with --json).
      const logFile = o.json ? undefined : path.join(ctx.env.REGBATCH_HOME, 'logs', `demo-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
      const log = logFile ? createFileLogger(ctx.env.LOG_LEVEL, logFile) : ctx.log;
      await runDemo(ctx.env, { ...ctx, log }, {
        ...(logFile ? { logFile } : {}),
        leads: o.leads,
        registry: o.registry,
        limit: o.limit !== undefined ? int('limit', o.limit, 1) : undefined,
        target: parseChoice('--target', o.target, TARGETS),
        autoSelect: parseChoice('--auto-select', o.autoSelect, ['confident', 'never'] as const),
        config: parseChoice('--config', o.config, ['defaults', 'never'] as const),
        browserSlots: int('browser-slots', o.browserSlots, 1),
        accountGapMs: o.accountGapMs !== undefined ? int('account-gap-ms', o.accountGapMs, 0) : SANDBOX_ACCOUNT_GAP_MS,
        host: o.host ?? ctx.env.REGBATCH_API_HOST,
        port: o.port !== undefined ? int('port', o.port, 0) : ctx.env.REGBATCH_API_PORT,
        exit: o.exit === true,
        json: o.json === true,
        timeoutMs: int('timeout', o.timeout, 1) * 1000,
        ...(simulate ? { simulate } : {}),
      });
    });
}
