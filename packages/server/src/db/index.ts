// The typed query layer: Kysely over node-postgres, typed by the generated schema (schema.ts; `pnpm db:types`).
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './schema';

export type { DB } from './schema';
export type Db = Kysely<DB>;

export interface CreateDbOptions {
  /** Pool size (default 10). */
  max?: number;
  applicationName?: string;
  /** Errors of idle pooled connections (e.g. the server restarted); they are otherwise ignored. */
  onIdleError?: (error: Error) => void;
}

export function createDb(url: string, options: CreateDbOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'regbatch',
  });
  // An idle client's error would otherwise crash the process; the next query on a new client reports it.
  pool.on('error', (error) => options.onIdleError?.(error));
  // A checked-out client (between the statements of a transaction) has no listener of the pool's, so a connection
  // error there (the server restarted, or terminated the session) would crash the process as an unhandled 'error'
  // event. Its next statement fails instead, and that failure reaches the caller.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}
