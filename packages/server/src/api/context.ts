// What every procedure receives: the server's dependencies, the caller (authenticated lazily from the bearer token
// or, for SSE where EventSource cannot send headers, the `token` connection parameter), and a request logger.
import type { Logger } from 'pino';
import { sql, type Transaction } from 'kysely';
import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import type { Db, DB } from '../db/index';
import { asRole } from '../db/rls';
import type { Engine } from '../engine/engine';
import type { SecretStore } from '../secrets/store';
import type { Authenticator, AuthUser } from '../auth/users';
import { bearerToken } from '../auth/verifier';
import type { ArtifactStore } from '../ops/artifacts';
import type { Metrics } from '../ops/metrics';
import type { LiveHub } from './live';
import type { LeadsImporter } from './leads';

export interface ApiDeps {
  /** The service connection (bypasses RLS); user reads go through asUser(), which sets role and claims. */
  readonly db: Db;
  readonly engine: Engine;
  readonly secrets: SecretStore;
  readonly authenticator: Authenticator;
  readonly log: Logger;
  readonly live: LiveHub;
  readonly artifacts: ArtifactStore;
  readonly metrics: Metrics;
  /** Local mode: the dev-token secret; enables auth.devLogin. Null with Supabase auth. */
  readonly local: { readonly jwtSecret: string } | null;
  /** Where uploaded leads files and their menus are kept (the project's storage). */
  readonly storageDir: string;
  /** The leads importer core (automation); leads.import reports not_available without it. */
  readonly leads: LeadsImporter | null;
  /** Workers running in this process (serve), for /healthz. */
  readonly inProcessWorkers?: () => number | null;
  /** Settings defaults for a new organisation (e.g. the sandbox's URLs in local mode). */
  readonly settingsDefaults?: Record<string, unknown>;
  /** Largest accepted upload (bytes). */
  readonly maxUploadBytes?: number;
}

export interface Context {
  readonly deps: ApiDeps;
  readonly log: Logger;
  /** Resolves the caller once per request; null when no token was sent. Throws AuthError for a bad token. */
  user(): Promise<AuthUser | null>;
}

export function createContextFactory(deps: ApiDeps) {
  return function createContext({ req, info }: CreateFastifyContextOptions): Context {
    const fromParams = info.connectionParams?.token;
    const token = bearerToken(req.headers.authorization) ?? (typeof fromParams === 'string' && fromParams ? fromParams : null);
    let pending: Promise<AuthUser | null> | undefined;
    return {
      deps,
      log: req.log as unknown as Logger,
      user: () => (pending ??= token ? deps.authenticator.authenticate(token) : Promise.resolve(null)),
    };
  };
}

/** Runs `fn` in a transaction as the `authenticated` role with the user's claims: RLS decides what is visible. */
export function asUser<T>(db: Db, user: AuthUser, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return asRole(db, 'authenticated', { sub: user.id, email: user.email }, fn);
}

/**
 * Ends the user's role for the rest of the transaction. Call it only after RLS, as the user, has decided the scope of
 * every later query: a batch or job row read as the user (later queries are filtered by that id), or the
 * organisations the user may see (visibleOrganisations; later queries are filtered by organisation_id). The seed's
 * policies evaluate has_org_access() per row (~30-170 µs each), which makes a 10,000-job batch seconds slow; deciding
 * once and filtering by the decided ids gives the same rows at index speed.
 */
export async function endUserRole(trx: Transaction<DB>): Promise<void> {
  await sql`reset role`.execute(trx);
  await sql`select set_config('request.jwt.claims', '', true)`.execute(trx);
}

/** The organisations the user may see, as RLS decides (organisations' policy is has_org_access(id)). */
export async function visibleOrganisations(trx: Transaction<DB>): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`select id from organisations`.execute(trx);
  return rows.map((r) => r.id);
}
