// vitest globalSetup for DB suites: one PostgreSQL per run (embedded on a free port in a throwaway directory, or
// TEST_DATABASE_URL / DATABASE_URL) and one template database migrated and seeded once, cloned per test file.
import { removeExitListenersAddedSinceLoad } from './exitListeners';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { parseEnv } from '../env';
import { startEmbeddedPostgres, type RunningEmbeddedPostgres } from '../db/embedded';
import { withDatabase } from '../db/connect';
import { migrate } from '../db/migrate';
import { dropDatabase, withAdmin } from './database';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  removeExitListenersAddedSinceLoad();
  const env = parseEnv(process.env);
  const external = env.TEST_DATABASE_URL ?? env.DATABASE_URL;
  let embedded: RunningEmbeddedPostgres | undefined;
  let scratch: string | undefined;
  let adminUrl: string;
  if (external) {
    adminUrl = external;
  } else {
    // A fresh cluster per run, never the dev server's port or data: several runs (and engineers) may overlap.
    scratch = path.join(os.tmpdir(), `regbatch-test-${process.pid}-${randomBytes(4).toString('hex')}`);
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(scratch, 'pg'),
      port: await freePort(),
      ephemeral: true,
      log: { info: () => {}, debug: () => {}, warn: (message) => console.warn(message) },
    });
    adminUrl = embedded.url;
  }

  const template = `regbatch_tpl_${randomBytes(6).toString('hex')}`;
  try {
    await withAdmin(adminUrl, (client) => client.query(`create database ${client.escapeIdentifier(template)}`));
    await migrate(withDatabase(adminUrl, template), { seed: true });
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  project.provide('regbatchDatabase', { adminUrl, template, kind: embedded ? 'embedded' : 'external' });

  return async () => {
    await dropDatabase(adminUrl, template).catch(() => {});
    await embedded?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
