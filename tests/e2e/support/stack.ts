// The e2e stack in one process (run with tsx by the Playwright global setup): PostgreSQL (embedded on a free port
// in a scratch directory, or a fresh database on E2E_DATABASE_URL), migrations and seed, the fixture leads imported
// into organisation A, and what `regbatch serve` runs (startServe) with the built web client and in-process
// simulate workers. Prints one JSON line {"url", "databaseUrl", "leadsFile"} when ready; stops everything on SIGTERM.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  createDb,
  ensureDatabase,
  migrate,
  parseEnv,
  SEED_USERS,
  startEmbeddedPostgres,
  withDatabase,
} from '@regbatch/server';
import { dropDatabase } from '@regbatch/server/testing';
import { startServe } from '../../../packages/server/src/main';
import { createLeadsImporter } from '../../../packages/server/src/api/leadsImporter';
import type { SimulateConfig } from '../../../packages/server/src/work/simulate';

const root = path.resolve(import.meta.dirname, '../../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The simulated outside world: short durations so a batch takes seconds, and the injected fault the failure test
 * drives: itemTags fails its first four attempts (the three retries included), so the job fails at that sub-step
 * and an operator's retry (attempt 5) succeeds. Override with E2E_SIMULATE (JSON).
 */
const DEFAULT_SIMULATE: SimulateConfig = {
  durations: { default: { minMs: 150, maxMs: 600 } },
  failAttempts: { itemTags: 4 },
};

async function main(): Promise<void> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'regbatch-e2e-'));
  const stops: (() => Promise<unknown>)[] = [() => rm(scratch, { recursive: true, force: true })];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch(() => {});
  };
  process.once('SIGTERM', () => void stop().then(() => process.exit(0)));
  process.once('SIGINT', () => void stop().then(() => process.exit(0)));

  let adminUrl: string;
  const external = process.env.E2E_DATABASE_URL;
  if (external) {
    adminUrl = external;
  } else {
    const embedded = await startEmbeddedPostgres({
      dataDir: path.join(scratch, 'pg'),
      port: await freePort(),
      ephemeral: true,
      log: { info: () => {}, debug: () => {}, warn: (m) => process.stderr.write(`${m}\n`) },
    });
    stops.push(async () => {
      await embedded.stop();
      // As root the data may live outside the scratch directory (where the postgres user can reach it).
      if (!embedded.dataDir.startsWith(scratch))
        await rm(path.dirname(embedded.dataDir), { recursive: true, force: true });
    });
    adminUrl = embedded.url;
  }
  const name = `regbatch_e2e_${randomBytes(5).toString('hex')}`;
  await ensureDatabase(adminUrl, name);
  const databaseUrl = withDatabase(adminUrl, name);
  stops.push(() => dropDatabase(adminUrl, name));
  await migrate(databaseUrl, { seed: true });

  const leadsFile =
    process.env.E2E_LEADS ??
    [path.resolve(root, '../shared/fixtures/leads.csv'), path.join(root, 'examples/leads.csv')].find((f) =>
      existsSync(f),
    );
  if (!leadsFile)
    throw new Error(
      'no leads fixture: set E2E_LEADS, or provide ../shared/fixtures/leads.csv or examples/leads.csv',
    );
  // Organisation A's restaurants, so every test but the upload one can start from imported leads.
  const db = createDb(databaseUrl);
  const importer = createLeadsImporter();
  await importer.importFile({
    file: leadsFile,
    organisationId: SEED_USERS.adminA.organisationId,
    createdBy: SEED_USERS.adminA.id,
    storageDir: path.join(scratch, 'home', 'storage'),
    dryRun: false,
    db,
  });
  await db.destroy();

  const env = parseEnv({
    ...process.env,
    DATABASE_URL: databaseUrl,
    REGBATCH_HOME: path.join(scratch, 'home'),
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
  });
  const simulate = process.env.E2E_SIMULATE
    ? (JSON.parse(process.env.E2E_SIMULATE) as SimulateConfig)
    : DEFAULT_SIMULATE;
  const running = await startServe(env, {
    host: '127.0.0.1',
    port: 0,
    webDir: path.join(root, 'packages', 'web', 'dist'),
    workers: 3,
    handlers: 'simulate',
    simulate,
    accountGapMs: 0,
    leads: importer,
  });
  stops.push(() => running.close());
  process.stdout.write(`${JSON.stringify({ url: running.url, databaseUrl, leadsFile })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `e2e stack failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
