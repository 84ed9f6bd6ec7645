// The migrator: applies supabase/migrations/*.sql to any PostgreSQL with the Supabase CLI's bookkeeping
// (supabase_migrations.schema_migrations), after the outside-Supabase bootstrap when the auth schema is missing.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { createDb } from './index';
import type { Db } from './index';
import { supabaseDir } from './paths';
import { splitSqlStatements } from './splitSql';
import type { SqlStatement } from './splitSql';

export interface MigrateLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface MigrateOptions {
  /** The supabase/ folder (default: the checkout's). Reads migrations/, bootstrap/outside-supabase.sql, seed.sql. */
  supabaseDir?: string;
  /** Also apply seed.sql after the migrations. */
  seed?: boolean;
  log?: MigrateLog;
}

export interface MigrateResult {
  bootstrapped: boolean;
  /** File names applied by this run, in order. */
  applied: string[];
  /** File names already recorded before this run. */
  alreadyApplied: string[];
  seeded: boolean;
}

/** A migration (or the bootstrap or seed) failed; the database is as it was before that file. */
export class MigrationError extends Error {
  readonly code = 'MIGRATION_FAILED';
  readonly retryable = false;
  constructor(
    readonly file: string,
    readonly statement: string,
    /** 1-based index of the statement in the file. */
    readonly statementIndex: number,
    /** 1-based line of the statement in the file. */
    readonly line: number,
    override readonly cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `Migration ${file} failed at statement ${statementIndex} (line ${line}): ${reason}\n` +
        `  statement: ${preview(statement)}\n` +
        `  The file was rolled back; the database is as it was before it.`,
    );
    this.name = 'MigrationError';
  }
}

interface MigrationFile {
  version: string;
  name: string;
  fileName: string;
  path: string;
}

const MIGRATION_FILE = /^(\d+)_(.+)\.sql$/;

/**
 * Brings the database at `target` (a URL, or an open Kysely) up to date. Concurrent migrators are
 * serialised by an advisory lock, so the second one finds everything applied.
 */
export async function migrate(target: string | Db, options: MigrateOptions = {}): Promise<MigrateResult> {
  const dir = options.supabaseDir ?? supabaseDir();
  const log = options.log;
  const files = await listMigrations(path.join(dir, 'migrations'), log);
  const owned = typeof target === 'string';
  const db = typeof target === 'string' ? createDb(target, { max: 1, applicationName: 'regbatch-migrate' }) : target;
  try {
    return await db.connection().execute(async (conn) => {
      await sql`select pg_advisory_lock(hashtext('regbatch:migrate'))`.execute(conn);
      try {
        const result: MigrateResult = { bootstrapped: false, applied: [], alreadyApplied: [], seeded: false };
        const hasAuth = await sql<{ present: boolean }>`
          select exists (select 1 from pg_namespace where nspname = 'auth') as present`.execute(conn);
        if (!hasAuth.rows[0]?.present) {
          log?.info('No auth schema: applying the outside-Supabase bootstrap');
          await runFile(conn, path.join(dir, 'bootstrap', 'outside-supabase.sql'), 'bootstrap/outside-supabase.sql');
          result.bootstrapped = true;
        }
        await sql`create schema if not exists supabase_migrations`.execute(conn);
        await sql`create table if not exists supabase_migrations.schema_migrations (
          version text not null primary key, statements text[], name text)`.execute(conn);
        const recorded = await sql<{ version: string }>`
          select version from supabase_migrations.schema_migrations`.execute(conn);
        const done = new Set(recorded.rows.map((row) => row.version));

        for (const file of files) {
          if (done.has(file.version)) {
            result.alreadyApplied.push(file.fileName);
            continue;
          }
          await runFile(conn, file.path, file.fileName, async (statements) => {
            await sql`insert into supabase_migrations.schema_migrations (version, statements, name)
              values (${file.version}, ${statements.map((s) => s.text)}, ${file.name})`.execute(conn);
          });
          result.applied.push(file.fileName);
          log?.info(`Applied ${file.fileName}`);
        }
        if (options.seed) {
          await runFile(conn, path.join(dir, 'seed.sql'), 'seed.sql');
          result.seeded = true;
          log?.info('Applied seed.sql');
        }
        return result;
      } finally {
        await sql`select pg_advisory_unlock(hashtext('regbatch:migrate'))`.execute(conn);
      }
    });
  } finally {
    if (owned) await db.destroy();
  }
}

/** Runs one SQL file in its own transaction, statement by statement, naming the statement that fails. */
async function runFile(
  conn: Db,
  filePath: string,
  label: string,
  beforeCommit?: (statements: SqlStatement[]) => Promise<void>,
): Promise<void> {
  const statements = splitSqlStatements(await readFile(filePath, 'utf8'));
  await sql`begin`.execute(conn);
  let index = 0;
  try {
    for (const statement of statements) {
      index += 1;
      await sql.raw(statement.text).execute(conn);
    }
    index = 0;
    await beforeCommit?.(statements);
    await sql`commit`.execute(conn);
  } catch (error) {
    await sql`rollback`.execute(conn);
    const failed = index > 0 ? statements[index - 1] : undefined;
    throw new MigrationError(label, failed?.text ?? '(recording the migration)', index, failed?.line ?? 0, error);
  }
}

async function listMigrations(dir: string, log: MigrateLog | undefined): Promise<MigrationFile[]> {
  const files: MigrationFile[] = [];
  for (const fileName of (await readdir(dir)).sort()) {
    const match = MIGRATION_FILE.exec(fileName);
    if (!match) {
      // The Supabase CLI skips such files too; say so rather than silently ignoring a misnamed migration.
      if (fileName.endsWith('.sql')) log?.warn(`Skipping ${fileName}: not named <timestamp>_<name>.sql`);
      continue;
    }
    files.push({ version: match[1]!, name: match[2]!, fileName, path: path.join(dir, fileName) });
  }
  return files;
}

function preview(statement: string): string {
  const flat = statement.replace(/\s+/g, ' ');
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}
