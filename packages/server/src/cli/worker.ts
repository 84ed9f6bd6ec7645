// `regbatch worker`: runs task workers against the chosen database until SIGTERM/SIGINT, then gives unfinished
// tasks back. LISTEN needs a direct or session-mode connection (not Supabase's transaction pooler, port 6543).
import type { Command } from 'commander';
import { openDatabase } from '../db/connect';
import { createEngineRuntime, resolveKeyring } from '../engine/runtime';
import { createWorker } from '../work/worker';
import { createReconciler } from '../work/reconciler';
import { createRegistry } from '../work/registry';
import type { SimulateConfig } from '../work/simulate';
import { handlersForTarget, parseHandlerTarget } from '../work/handlers/index';
import { defaultLimits, PRODUCTION_ACCOUNT_GAP_MS, SANDBOX_ACCOUNT_GAP_MS } from '../work/limits';
import type { CliContext } from './context';
import { listenForShutdown } from './signals';

interface WorkerCliOptions {
  target: string;
  handlers?: string;
  sandboxUrl?: string;
  concurrency: string;
  poolSize?: string;
  leaseMs: string;
  pollMs: string;
  accountGapMs?: string;
  browserSlots: string;
  simulate?: string;
  reconcileMs: string;
  listen: boolean;
  kinds?: string;
}

function int(name: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got "${value}"`);
  return n;
}

export function registerWorkerCommand(program: Command, ctx: CliContext): void {
  program
    .command('worker')
    .description('Run task workers (claim, lease, run, report) until SIGTERM; unfinished tasks are given back on shutdown.')
    .option('--target <target>', 'task handlers: "real" (each organisation\'s sandbox or production sites, per its settings) or "simulate" (a dry run)', 'real')
    .option('--handlers <set>', 'older spelling of --target ("simulate")')
    .option('--sandbox-url <url>', 'the sandbox driven for organisations whose target is sandbox and whose settings name no URLs')
    .option('--concurrency <n>', 'handlers running at once in this process', '8')
    .option('--pool-size <n>', 'database connections of this process (default: concurrency + 4, at most 24: a handler holds one only while it queries)')
    .option('--lease-ms <ms>', 'task lease; renewed by heartbeats at a third of it', '30000')
    .option('--poll-ms <ms>', 'safety-net poll (wake-ups come from LISTEN)', '5000')
    .option('--account-gap-ms <ms>', `minimum gap between account creations per integrator (default ${PRODUCTION_ACCOUNT_GAP_MS}, ${SANDBOX_ACCOUNT_GAP_MS} with simulate)`)
    .option('--browser-slots <n>', 'browser-heavy tasks running at once across all workers', '4')
    .option('--simulate <json>', 'simulate handler configuration (durations, failureRate, rateLimited) as JSON')
    .option('--reconcile-ms <ms>', 'reconciler interval (0 = off)', '60000')
    .option('--no-listen', 'poll only (e.g. behind a transaction pooler)')
    .option('--kinds <list>', 'comma-separated task kinds this worker runs (default: all)')
    .action(async (o: WorkerCliOptions) => {
      const shutdown = listenForShutdown();
      const target = o.handlers !== undefined ? parseHandlerTarget('--handlers', o.handlers) : parseHandlerTarget('--target', o.target);
      if (o.sandboxUrl !== undefined && !URL.canParse(o.sandboxUrl)) throw new Error(`--sandbox-url: "${o.sandboxUrl}" is not a URL`);
      let simulateConfig: SimulateConfig = {};
      if (o.simulate) {
        try {
          simulateConfig = JSON.parse(o.simulate) as SimulateConfig;
        } catch (err) {
          throw new Error(`--simulate: not valid JSON (${String(err)}): ${o.simulate}`);
        }
      }
      const database = await openDatabase(ctx.env, ctx.log);
      const keyring = resolveKeyring({ secretKeys: ctx.env.REGBATCH_SECRET_KEYS, home: ctx.env.REGBATCH_HOME });
      const concurrency = int('concurrency', o.concurrency, 1);
      const poolSize = o.poolSize !== undefined ? int('pool-size', o.poolSize, 2) : Math.min(concurrency + 4, 24);
      const rt = createEngineRuntime({ url: database.url, log: ctx.log, keyring, poolSize });
      const browserSlots = int('browser-slots', o.browserSlots, 1);
      const handlers = handlersForTarget(target, {
        db: rt.db,
        secrets: rt.secrets,
        log: ctx.log,
        simulate: simulateConfig,
        sandboxUrl: o.sandboxUrl ?? null,
        browser: { executablePath: ctx.env.CHROMIUM_PATH ?? null, wsEndpoint: ctx.env.BROWSER_WS_ENDPOINT ?? null },
        browserSlots,
        home: ctx.env.REGBATCH_HOME,
      });
      const worker = createWorker(
        { db: rt.db, engine: rt.engine, secrets: rt.secrets, log: ctx.log, registry: createRegistry(handlers.handlers) },
        {
          maxInProcess: concurrency,
          leaseMs: int('lease-ms', o.leaseMs, 100),
          pollMs: int('poll-ms', o.pollMs, 10),
          limits: defaultLimits({
            accountGapMs: o.accountGapMs !== undefined ? int('account-gap-ms', o.accountGapMs, 0) : target === 'simulate' ? SANDBOX_ACCOUNT_GAP_MS : PRODUCTION_ACCOUNT_GAP_MS,
            browserSlots,
          }),
          listenUrl: o.listen ? database.url : null,
          ...(o.kinds ? { kinds: o.kinds.split(',').map((k) => k.trim()).filter(Boolean) } : {}),
        },
      );
      const reconciler = createReconciler({ db: rt.db, log: ctx.log, machines: rt.machines });
      await worker.start();
      const reconcileMs = int('reconcile-ms', o.reconcileMs, 0);
      if (reconcileMs > 0) reconciler.start(reconcileMs);
      const stopped = shutdown.wait();
      ctx.print(`worker ${worker.id} running (${concurrency} at once, ${target} handlers); SIGTERM to stop`);
      await stopped;
      reconciler.stop();
      await worker.stop();
      await handlers.close();
      await rt.close();
      await database.close();
    });
}
