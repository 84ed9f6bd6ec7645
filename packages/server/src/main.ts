// The API process: `regbatch serve` (and `tsx src/main.ts`) assembles the database, engine, auth, live hub, metrics,
// artifact store and optional in-process workers from the parsed environment, then serves. The only other reader of
// the environment is the CLI; everything below takes parsed values.
import path from 'node:path';
import { sql } from 'kysely';
import { pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import { parseEnv, type Env } from './env';
import { openDatabase } from './db/connect';
import { createDb } from './db/index';
import { createEngineRuntime, resolveKeyring } from './engine/runtime';
import { createAuthenticator, createTokenVerifier, loadOrCreateLocalJwtSecret } from './auth/index';
import { createLiveHub } from './api/live';
import { createServer } from './api/server';
import type { LeadsImporter } from './api/leads';
import { createLeadsImporter } from './api/leadsImporter';
import { createArtifactStore } from './ops/artifacts';
import { createLogger } from './ops/logger';
import { createMetrics, instrumentEngine } from './ops/metrics';
import { createWorker, type Worker } from './work/worker';
import { createRegistry } from './work/registry';
import type { SimulateConfig } from './work/simulate';
import { handlersForTarget, type HandlerTarget } from './work/handlers/index';
import { defaultLimits, SANDBOX_ACCOUNT_GAP_MS } from './work/limits';
import { listenForShutdown } from './cli/signals';

export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  /** Folder of the built web client, served at /. */
  readonly webDir?: string | null;
  /** Task workers in this process (0 = none; run `regbatch worker` elsewhere). */
  readonly workers: number;
  /** Handler set of the in-process workers: real (default; each organisation's target per its settings) or simulate. */
  readonly handlers?: HandlerTarget;
  /** The sandbox real handlers drive for sandbox-target organisations whose settings name no URLs. */
  readonly sandboxUrl?: string | null;
  readonly simulate?: SimulateConfig;
  readonly browserSlots?: number;
  readonly accountGapMs?: number;
  readonly leads?: LeadsImporter | null;
}

export interface RunningServe {
  readonly url: string;
  /** True when tokens are signed with the local secret (no Supabase auth configured). */
  readonly localMode: boolean;
  close(): Promise<void>;
}

const HOUR = 3_600_000;

export async function startServe(env: Env, options: ServeOptions, log: Logger = createLogger({ level: env.LOG_LEVEL, name: 'regbatch' })): Promise<RunningServe> {
  const database = await openDatabase(env, log);
  const closers: (() => Promise<void>)[] = [() => database.close()];
  const close = async () => {
    for (const fn of closers.reverse()) await fn().catch((error: unknown) => log.warn({ err: String(error) }, 'shutdown step failed'));
  };
  try {
    const keyring = resolveKeyring({ secretKeys: env.REGBATCH_SECRET_KEYS, home: env.REGBATCH_HOME });
    const db = createDb(database.url, { max: 20 + options.workers, applicationName: 'regbatch-serve', onIdleError: (e) => log.warn({ err: e.message, pool: 'regbatch-serve' }, 'idle database connection failed') });
    closers.push(() => db.destroy());
    const rt = createEngineRuntime({ url: database.url, log, keyring, db });
    const limits = defaultLimits({ accountGapMs: options.accountGapMs ?? SANDBOX_ACCOUNT_GAP_MS, browserSlots: options.browserSlots ?? 4 });
    const metrics = createMetrics({ db, browserKinds: limits.browserKinds, browserSlots: limits.browserSlots });
    const engine = instrumentEngine(rt.engine, metrics);

    const localMode = !env.SUPABASE_JWT_SECRET && !env.SUPABASE_JWKS_URL;
    const localSecret = localMode ? loadOrCreateLocalJwtSecret(env.REGBATCH_HOME) : null;
    const verifier = createTokenVerifier({
      jwtSecret: env.SUPABASE_JWT_SECRET ?? localSecret ?? undefined,
      jwksUrl: env.SUPABASE_JWKS_URL,
      issuer: env.SUPABASE_JWT_ISSUER,
    });
    const artifacts = createArtifactStore(path.join(env.REGBATCH_HOME, 'artifacts'));

    let worker: Worker | null = null;
    if (options.workers > 0) {
      const set = handlersForTarget(options.handlers ?? 'real', {
        db: rt.db,
        secrets: rt.secrets,
        log,
        simulate: options.simulate ?? {},
        sandboxUrl: options.sandboxUrl ?? null,
        browser: { executablePath: env.CHROMIUM_PATH ?? null, wsEndpoint: env.BROWSER_WS_ENDPOINT ?? null },
        browserSlots: limits.browserSlots,
        home: env.REGBATCH_HOME,
      });
      closers.push(() => set.close());
      worker = createWorker(
        { db: rt.db, engine, secrets: rt.secrets, log, registry: createRegistry(set.handlers) },
        { maxInProcess: options.workers, limits, listenUrl: database.url },
      );
    }

    const server = await createServer(
      {
        db,
        engine,
        secrets: rt.secrets,
        authenticator: createAuthenticator({ db, verifier }),
        log,
        live: createLiveHub({ listenUrl: database.url, log }),
        artifacts,
        metrics,
        local: localSecret ? { jwtSecret: localSecret } : null,
        storageDir: path.join(env.REGBATCH_HOME, 'storage'),
        leads: options.leads === undefined ? createLeadsImporter() : options.leads,
        inProcessWorkers: () => (worker ? worker.active() : null),
      },
      { webDir: options.webDir ?? null },
    );
    closers.push(() => server.close());
    const url = await server.listen(options.port, options.host);

    if (worker) {
      await worker.start();
      const w = worker;
      closers.push(() => w.stop());
    }

    // Each organisation's own retention (settings.artifactRetentionDays), else REGBATCH_ARTIFACT_RETENTION_DAYS.
    const retentionMs = env.REGBATCH_ARTIFACT_RETENTION_DAYS * 24 * HOUR;
    const purge = () =>
      sql<{ id: string; days: string | null }>`select id, settings->>'artifactRetentionDays' as days from organisations`
        .execute(db)
        .then(({ rows }) => {
          const perOrg = new Map(rows.filter((r) => Number(r.days) >= 1).map((r) => [r.id, Number(r.days) * 24 * HOUR]));
          return artifacts.purge((organisationId) => perOrg.get(organisationId) ?? retentionMs);
        })
        .then((r) => r.files && log.info({ files: r.files, tasks: r.tasks, retentionDays: env.REGBATCH_ARTIFACT_RETENTION_DAYS }, 'artifacts purged'))
        .catch((error: unknown) => log.warn({ err: String(error) }, 'artifact purge failed'));
    void purge();
    const timer = setInterval(() => void purge(), HOUR);
    timer.unref();
    closers.push(async () => clearInterval(timer));

    log.info({ url, localMode, workers: options.workers }, 'regbatch API listening');
    return { url, localMode, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** `tsx src/main.ts`: serve with the environment's host and port until SIGTERM/SIGINT. */
async function run(): Promise<void> {
  const shutdown = listenForShutdown();
  const env = parseEnv(process.env);
  const running = await startServe(env, { host: env.REGBATCH_API_HOST, port: env.REGBATCH_API_PORT, workers: 0 });
  process.stdout.write(`regbatch API on ${running.url}${running.localMode ? ' (local mode: `regbatch dev-token --user <email>`)' : ''}\n`);
  await shutdown.wait();
  await running.close();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((error: unknown) => {
    process.stderr.write(`regbatch: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
