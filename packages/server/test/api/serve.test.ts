// `regbatch serve` and `regbatch dev-token` through the CLI's command tree: local mode signs and verifies with the
// secret generated into REGBATCH_HOME, serve answers /healthz and tRPC with in-process simulate workers, and
// dev-token refuses unknown users and Supabase mode with readable messages.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { buildCli } from '../../src/cli';
import { parseEnv } from '../../src/env';
import { startServe, type RunningServe } from '../../src/main';
import { createTestDatabase, type TestDatabase } from '../../src/testing/database';
import type { AppRouter } from '../../src/api/router';
import { ORG_A, SEED_USERS, makeRestaurants, waitFor } from './helpers';

let tdb: TestDatabase;
let home: string;

beforeAll(async () => {
  tdb = await createTestDatabase();
  home = await mkdtemp(path.join(os.tmpdir(), 'regbatch-serve-'));
}, 60_000);

afterAll(async () => {
  await tdb?.drop();
  if (home) await rm(home, { recursive: true, force: true });
});

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ out: string[]; error: string | null }> {
  const out: string[] = [];
  const ctx = { env: parseEnv({ REGBATCH_HOME: home, DATABASE_URL: tdb.url, LOG_LEVEL: 'silent', ...env }), log: pino({ level: 'silent' }), print: (t: string) => out.push(t) };
  try {
    await buildCli(ctx).parseAsync(['node', 'regbatch', ...args]);
    return { out, error: null };
  } catch (error) {
    return { out, error: error instanceof Error ? error.message : String(error) };
  }
}

describe('regbatch dev-token', () => {
  it('refuses an unknown user and Supabase mode, naming the problem', async () => {
    expect((await cli(['dev-token', '--user', 'nobody@example.com'])).error).toMatch(/not a seeded user.*admin@org-a\.example/);
    expect((await cli(['dev-token', '--user', 'admin@org-a.example'], { SUPABASE_JWT_SECRET: 'x'.repeat(40) })).error).toMatch(/local mode only/);
  });
});

describe('regbatch serve', () => {
  let running: RunningServe;

  afterAll(async () => {
    await running?.close();
  });

  it('serves in local mode: a dev token from the CLI works, /healthz reports in-process workers, a batch runs', async () => {
    const env = parseEnv({ REGBATCH_HOME: home, DATABASE_URL: tdb.url, LOG_LEVEL: 'silent' });
    running = await startServe(env, { host: '127.0.0.1', port: 0, workers: 4, handlers: 'simulate', accountGapMs: 5 }, pino({ level: 'silent' }));
    expect(running.localMode).toBe(true);
    expect((await stat(path.join(home, 'jwt-secret'))).mode & 0o777).toBe(0o600);

    const { out, error } = await cli(['dev-token', '--user', 'admin@org-a.example']);
    expect(error).toBeNull();
    const token = out[0]!;
    const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${running.url}/trpc`, headers: { authorization: `Bearer ${token}` } })] });
    expect(await client.auth.me.query()).toMatchObject({ id: SEED_USERS.adminA.id, role: 'admin' });
    expect(await client.auth.mode.query()).toEqual({ local: true });

    const health = (await (await fetch(`${running.url}/healthz`)).json()) as { ok: boolean; workers: { inProcess: number | null } };
    expect(health).toMatchObject({ ok: true, workers: { inProcess: 0 } });

    const ids = await makeRestaurants(tdb.db, ORG_A, 2, 'Served');
    const { batchId } = await client.batches.create.mutate({ name: 'Served', restaurantIds: ids, autoPolicies: { select: 'confident', config: 'defaults' }, start: true });
    await waitFor(async () => (await client.batches.get.query({ batchId })).status === 'completed' || undefined, 30_000, 'the served batch to complete');
  }, 60_000);
});
