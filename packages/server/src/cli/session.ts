// The CLI's way into the product: the chosen database, the engine, and the API's own procedures called in-process
// as a named user (tRPC's server-side caller), so `regbatch leads|batch ...` obey the same validation, RLS and
// engine commands as the web client, without a server running.
import path from 'node:path';
import type { Logger } from 'pino';
import type { Env } from '../env';
import { openDatabase } from '../db/connect';
import { createDb, type Db } from '../db/index';
import { createEngineRuntime, resolveKeyring, type EngineRuntime } from '../engine/runtime';
import { createLiveHub } from '../api/live';
import { appRouter } from '../api/router';
import { createCallerFactory } from '../api/trpc';
import type { ApiDeps, Context } from '../api/context';
import { createLeadsImporter } from '../api/leadsImporter';
import type { AuthUser, UserRole } from '../auth/users';
import { AuthError } from '../auth/errors';
import { createArtifactStore } from '../ops/artifacts';
import { createMetrics } from '../ops/metrics';
import { SEED_USERS } from '../db/seedIdentities';

/** The user CLI commands act as unless `--as` says otherwise: the seeded admin of organisation A (local mode). */
export const DEFAULT_CLI_USER = SEED_USERS.adminA.email;

export type Caller = ReturnType<typeof appRouter.createCaller>;

export interface CliSession {
  readonly url: string;
  readonly db: Db;
  readonly runtime: EngineRuntime;
  readonly deps: ApiDeps;
  readonly user: AuthUser;
  readonly api: Caller;
  /** True when this process started the embedded PostgreSQL. */
  readonly embedded: boolean;
  close(): Promise<void>;
}

export class CliUserError extends Error {
  readonly code = 'cli_user_unknown';
  readonly retryable = false;
}

/** Reads a user's profile by e-mail with the service connection (the CLI runs on the operator's machine). */
export async function loadUserByEmail(db: Db, email: string): Promise<AuthUser> {
  const row = await db
    .selectFrom('profiles')
    .select(['id', 'email', 'role', 'organisation_id'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.trim().toLowerCase()))
    .executeTakeFirst();
  if (!row) {
    throw new CliUserError(
      `--as ${email}: no such user in this database (run \`regbatch migrate --seed\` for the dev users, e.g. ${DEFAULT_CLI_USER})`,
    );
  }
  const role: UserRole = row.role === 'admin' || row.role === 'super_admin' ? row.role : 'user';
  return { id: row.id, email: row.email, role, organisationId: row.organisation_id };
}

export interface OpenSessionOptions {
  /** E-mail of the acting user (default DEFAULT_CLI_USER). */
  as?: string | undefined;
  /** An already opened database URL (the demo opens it itself); otherwise DATABASE_URL or the embedded one. */
  url?: string;
  poolSize?: number;
}

export async function openCliSession(env: Env, log: Logger, options: OpenSessionOptions = {}): Promise<CliSession> {
  const opened = options.url ? null : await openDatabase(env, log);
  const url = options.url ?? opened!.url;
  const closers: (() => Promise<void>)[] = [];
  if (opened) closers.push(() => opened.close());
  const close = async () => {
    for (const fn of closers.reverse()) await fn().catch((error: unknown) => log.warn({ err: String(error) }, 'closing failed'));
  };
  try {
    const db = createDb(url, { max: options.poolSize ?? 10, applicationName: 'regbatch-cli', onIdleError: (e) => log.warn({ err: e.message, pool: 'regbatch-cli' }, 'idle database connection failed') });
    closers.push(() => db.destroy());
    const runtime = createEngineRuntime({ url, log, keyring: resolveKeyring({ secretKeys: env.REGBATCH_SECRET_KEYS, home: env.REGBATCH_HOME }), db });
    const user = await loadUserByEmail(db, options.as ?? DEFAULT_CLI_USER);
    const deps: ApiDeps = {
      db,
      engine: runtime.engine,
      secrets: runtime.secrets,
      // The caller is already known: no bearer tokens reach an in-process call.
      authenticator: { authenticate: () => Promise.reject(new AuthError('unauthenticated', 'the CLI calls procedures as its --as user')) },
      log,
      live: createLiveHub({ listenUrl: null, log }),
      artifacts: createArtifactStore(path.join(env.REGBATCH_HOME, 'artifacts')),
      metrics: createMetrics({ db }),
      local: null,
      storageDir: path.join(env.REGBATCH_HOME, 'storage'),
      leads: createLeadsImporter(),
    };
    const ctx: Context = { deps, log, user: () => Promise.resolve(user) };
    const api = createCallerFactory(appRouter)(ctx);
    return { url, db, runtime, deps, user, api, embedded: !!opened?.embedded, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A tRPC error's message plus its field errors, as one readable line for the terminal. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const data = (error as { fieldErrors?: Record<string, string[]> }).fieldErrors;
  if (data && Object.keys(data).length > 0 && !error.message.includes(':')) {
    return `${error.message} (${Object.entries(data).map(([k, v]) => `${k}: ${v.join(', ')}`).join('; ')})`;
  }
  return error.message;
}
