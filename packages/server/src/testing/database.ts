// Per-test-file databases for every DB suite: createTestDatabase() clones the template that globalSetup migrated
// (bootstrap + migrations + seed.sql) once per run, and drop() removes the clone.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb } from '../db/index';
import type { Db } from '../db/index';
import { withDatabase } from '../db/connect';

export interface TestDatabaseServer {
  /** A superuser URL of the test server's maintenance database. */
  adminUrl: string;
  /** The migrated and seeded template database. */
  template: string;
  /** 'embedded' (started for this run) or 'external' (TEST_DATABASE_URL / DATABASE_URL). */
  kind: 'embedded' | 'external';
}

declare module 'vitest' {
  export interface ProvidedContext {
    regbatchDatabase: TestDatabaseServer;
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  /** A Kysely over `url` as the superuser (bypasses RLS; use `set local role` to act as a user). */
  db: Db;
  drop(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /** A database with nothing in it (not even the bootstrap), for migration tests. */
  empty?: boolean;
}

/** The server the run's globalSetup prepared; fails clearly when the suite's config lacks that globalSetup. */
export function testDatabaseServer(): TestDatabaseServer {
  const server = inject('regbatchDatabase');
  if (!server) {
    throw new Error(
      'No test database server: add globalSetup "@regbatch/server/testing/globalSetup" ' +
        '(packages/server/src/testing/globalSetup.ts) to this vitest project.',
    );
  }
  return server;
}

export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const server = testDatabaseServer();
  const name = `regbatch_t_${randomBytes(6).toString('hex')}`;
  const source = options.empty ? 'template0' : server.template;
  await withAdmin(server.adminUrl, async (client) => {
    // Concurrent clones of one template can briefly collide ("being accessed by other users"); retry those.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await client.query(`create database ${client.escapeIdentifier(name)} template ${client.escapeIdentifier(source)}`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  });
  const url = withDatabase(server.adminUrl, name);
  const db = createDb(url, { max: 4 });
  let dropped = false;
  return {
    name,
    url,
    db,
    async drop() {
      if (dropped) return;
      dropped = true;
      await db.destroy();
      await dropDatabase(server.adminUrl, name);
    },
  };
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdmin(adminUrl, (client) => client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`));
}

export async function withAdmin<T>(adminUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
