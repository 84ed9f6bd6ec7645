// Chooses the database a process uses: DATABASE_URL when set, otherwise the embedded PostgreSQL under
// REGBATCH_HOME (started here, stopped by close()). Every command that needs the database goes through this.
import path from 'node:path';
import pg from 'pg';
import type { Env } from '../env';
import { startEmbeddedPostgres } from './embedded';
import type { EmbeddedLog, RunningEmbeddedPostgres } from './embedded';

export const EMBEDDED_DATABASE_NAME = 'regbatch';

export interface OpenedDatabase {
  url: string;
  /** Set when this process started the embedded server. */
  embedded: RunningEmbeddedPostgres | undefined;
  close(): Promise<void>;
}

export async function openDatabase(
  env: Pick<Env, 'DATABASE_URL' | 'REGBATCH_HOME' | 'REGBATCH_PG_PORT'>,
  log: EmbeddedLog,
): Promise<OpenedDatabase> {
  if (env.DATABASE_URL) {
    return { url: env.DATABASE_URL, embedded: undefined, close: async () => {} };
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(env.REGBATCH_HOME, 'pg'),
    port: env.REGBATCH_PG_PORT,
    log,
  });
  try {
    await ensureDatabase(embedded.url, EMBEDDED_DATABASE_NAME);
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return { url: withDatabase(embedded.url, EMBEDDED_DATABASE_NAME), embedded, close: () => embedded.stop() };
}

/** Creates database `name` on the server of `adminUrl` unless it exists. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

/** The same server URL, pointing at another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}
