// Shared helpers of the DB suites: catalogue fingerprints and running raw SQL files.
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { splitSqlStatements } from '../../src/db/splitSql';

export async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Runs a SQL file's statements outside the migrator (to build the "live database" it must cope with). */
export async function runSqlFile(client: pg.Client, file: string): Promise<void> {
  for (const statement of splitSqlStatements(await readFile(file, 'utf8'))) await client.query(statement.text);
}

/** Everything a migration could change in public: columns, constraints, indexes, triggers, policies, grants, functions. */
export async function schemaFingerprint(client: pg.Client): Promise<string[]> {
  const queries = [
    `select 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '')
       from information_schema.columns where table_schema = 'public'`,
    `select 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
       from pg_constraint where connamespace = 'public'::regnamespace`,
    `select 'index ' || indexname || ' ' || indexdef from pg_indexes where schemaname = 'public'`,
    `select 'trigger ' || tgrelid::regclass || ' ' || tgname || ' ' || pg_get_triggerdef(oid)
       from pg_trigger where not tgisinternal and tgrelid::regclass::text not like 'supabase_migrations.%'`,
    `select 'policy ' || tablename || ' ' || policyname || ' ' || cmd || ' ' || array_to_string(roles, ',') || ' ' ||
            coalesce(qual, '') || ' ' || coalesce(with_check, '') from pg_policies where schemaname = 'public'`,
    `select 'grant ' || table_name || ' ' || grantee || ' ' || privilege_type
       from information_schema.role_table_grants where table_schema = 'public'`,
    `select 'column grant ' || table_name || '.' || column_name || ' ' || grantee || ' ' || privilege_type
       from information_schema.column_privileges where table_schema = 'public' and grantee in ('anon', 'authenticated')`,
    `select 'function ' || p.oid::regprocedure || ' ' || md5(pg_get_functiondef(p.oid))
       from pg_proc p where p.pronamespace = 'public'::regnamespace`,
    `select 'rls ' || relname || ' ' || relrowsecurity from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r'`,
  ];
  const lines: string[] = [];
  for (const query of queries) {
    const result = await client.query<{ line: string }>(`select line from (${query}) as q(line)`);
    lines.push(...result.rows.map((row) => row.line));
  }
  return lines.sort();
}

export async function policyNames(client: pg.Client, table: string): Promise<string[]> {
  const result = await client.query<{ policyname: string }>(
    `select policyname from pg_policies where schemaname = 'public' and tablename = $1 order by policyname`,
    [table],
  );
  return result.rows.map((row) => row.policyname);
}
