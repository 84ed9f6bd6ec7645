// The API suites' harness: a cloned test database, the real engine and machines, a real fastify server on port 0
// with tRPC clients (HTTP batch link + SSE subscription link) per seeded user, the log lines it wrote, and simulate
// workers in-process.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, type TRPCClient } from '@trpc/client';
import { EventSource } from 'eventsource';
import { createTestDatabase, type TestDatabase } from '../../src/testing/database';
import { createDb, type Db } from '../../src/db/index';
import { SEED_ORGANISATIONS, SEED_USERS } from '../../src/db/seedIdentities';
import { createEngineRuntime, type EngineRuntime } from '../../src/engine/runtime';
import { parseKeyringSpec } from '../../src/secrets/keyring';
import { createAuthenticator, createTokenVerifier, signDevToken, type VerifierConfig } from '../../src/auth/index';
import { createLiveHub } from '../../src/api/live';
import { createServer, type ApiServer } from '../../src/api/server';
import type { AppRouter } from '../../src/api/router';
import type { ApiDeps } from '../../src/api/context';
import { createLeadsImporter } from '../../src/api/leadsImporter';
import { createArtifactStore, type ArtifactStore } from '../../src/ops/artifacts';
import { createLogger } from '../../src/ops/logger';
import { createMetrics, instrumentEngine } from '../../src/ops/metrics';
import { createWorker, type Worker } from '../../src/work/worker';
import { createRegistry, type TaskHandler } from '../../src/work/registry';
import { createSimulateHandlers, type SimulateConfig } from '../../src/work/simulate';
import { defaultLimits } from '../../src/work/limits';
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';

export const ORG_A = SEED_ORGANISATIONS.a.id;
export const ORG_B = SEED_ORGANISATIONS.b.id;
export { SEED_USERS };
export type Client = TRPCClient<AppRouter>;

export interface ApiHarness {
  readonly tdb: TestDatabase;
  readonly db: Db;
  readonly rt: EngineRuntime;
  readonly server: ApiServer;
  readonly url: string;
  readonly jwtSecret: string;
  readonly artifacts: ArtifactStore;
  readonly logLines: string[];
  readonly workers: Worker[];
  token(user: { id: string; email: string }): Promise<string>;
  client(token: string | null): Client;
  worker(opts?: { simulate?: SimulateConfig; handlers?: Record<string, TaskHandler> }): Promise<Worker>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Replace the HS256 verifier (e.g. a JWKS URL). */
  verifier?: VerifierConfig;
  /** LISTEN on (default) or poll only. */
  listen?: boolean;
}

export async function apiHarness(options: HarnessOptions = {}): Promise<ApiHarness> {
  const tdb = await createTestDatabase();
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const log = createLogger({ level: 'info', destination: destination as never });
  const db = createDb(tdb.url, { max: 16 });
  const rt = createEngineRuntime({ url: tdb.url, log, keyring: parseKeyringSpec(`k1:${randomBytes(32).toString('base64')}`), db });
  const metrics = createMetrics({ db });
  const engine = instrumentEngine(rt.engine, metrics);
  const jwtSecret = randomBytes(32).toString('base64url');
  const verifier = createTokenVerifier(options.verifier ?? { jwtSecret });
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'regbatch-api-'));
  const artifacts = createArtifactStore(path.join(scratch, 'artifacts'));
  const deps: ApiDeps = {
    db,
    engine,
    secrets: rt.secrets,
    authenticator: createAuthenticator({ db, verifier, cacheMs: 0 }),
    log,
    live: createLiveHub({ listenUrl: options.listen === false ? null : tdb.url, log }),
    artifacts,
    metrics,
    local: { jwtSecret },
    storageDir: path.join(scratch, 'storage'),
    leads: createLeadsImporter(),
  };
  const server = await createServer(deps);
  const url = await server.listen(0);
  const workers: Worker[] = [];
  const clients: Client[] = [];

  return {
    tdb,
    db,
    rt,
    server,
    url,
    jwtSecret,
    artifacts,
    logLines,
    workers,
    token: (user) => signDevToken(jwtSecret, user),
    client(token) {
      const headers = token ? { authorization: `Bearer ${token}` } : {};
      const c = createTRPCClient<AppRouter>({
        links: [
          splitLink({
            condition: (op) => op.type === 'subscription',
            true: httpSubscriptionLink({ url: `${url}/trpc`, EventSource, connectionParams: token ? { token } : {} }),
            false: httpBatchLink({ url: `${url}/trpc`, headers }),
          }),
        ],
      });
      clients.push(c);
      return c;
    },
    async worker(opts = {}) {
      const w = createWorker(
        {
          db: rt.db,
          engine,
          secrets: rt.secrets,
          log,
          registry: createRegistry(createSimulateHandlers(opts.simulate ?? { durations: { default: { minMs: 2, maxMs: 8 } } }), opts.handlers ?? {}),
        },
        { maxInProcess: 8, leaseMs: 5_000, pollMs: 1_000, limits: defaultLimits({ accountGapMs: 10, browserSlots: 16 }), listenUrl: tdb.url },
      );
      workers.push(w);
      await w.start();
      return w;
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
      await server.close();
      await db.destroy();
      await tdb.drop();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

/** Restaurants of an organisation, inserted directly (the leads import is another suite). */
export async function makeRestaurants(db: Db, organisationId: string, n: number, prefix: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    insert into restaurants (name, organisation_id, address, city, email, phone)
    select ${prefix} || ' Kitchen ' || g, ${organisationId}, g || ' Queen Street', 'Auckland', 'owner' || g || '@example.co.nz', '021 555 01' || lpad(g::text, 2, '0')
      from generate_series(1, ${n}) g
    returning id`.execute(db);
  return rows.map((r) => r.id);
}

export { waitFor } from '../engine/helpers';

/** The tRPC error's code and data, or a failure if the call succeeded. */
export async function rejects(promise: Promise<unknown>): Promise<{ code: string; httpStatus: number; message: string; fieldErrors: Record<string, string[]> | null; domainCode: string | null }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { message: string; data?: { code: string; httpStatus: number; fieldErrors?: Record<string, string[]> | null; domainCode?: string | null } };
    return { code: e.data?.code ?? 'NO_DATA', httpStatus: e.data?.httpStatus ?? 0, message: e.message, fieldErrors: e.data?.fieldErrors ?? null, domainCode: e.data?.domainCode ?? null };
  }
  throw new Error('expected the call to be rejected, but it succeeded');
}
