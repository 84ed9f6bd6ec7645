// The migrations and the migrator against a real PostgreSQL: empty database, re-runs, the user's live shape
// (the seed's own SQL and policies already applied), failures, and concurrent migrators.
import { cp, readdir, writeFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, MigrationError } from '../../src/db/migrate';
import { supabaseDir } from '../../src/db/paths';
import { createTestDatabase } from '../../src/testing/database';
import type { TestDatabase } from '../../src/testing/database';
import { policyNames, runSqlFile, schemaFingerprint, withClient } from './helpers';

const SEED_SQL = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'seed-registration-tables.sql');
const SEED_POLICY_NAMES = [
  "Users can view their org's batch jobs",
  "Users can manage their org's registration jobs",
  'Users can manage steps for their jobs',
  "Users can manage their restaurant's search candidates",
];

const databases: TestDatabase[] = [];
async function emptyDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase({ empty: true });
  databases.push(database);
  return database;
}
afterEach(async () => {
  await Promise.all(databases.splice(0).map((database) => database.drop()));
});

async function migrationFiles(): Promise<string[]> {
  return (await readdir(path.join(supabaseDir(), 'migrations'))).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
}

describe('migrations', () => {
  it('apply to an empty database after the bootstrap, and applying them again changes nothing', async () => {
    const { url } = await emptyDatabase();
    const first = await migrate(url);
    expect(first.bootstrapped).toBe(true);
    expect(first.applied).toEqual(await migrationFiles());

    const before = await withClient(url, schemaFingerprint);
    const second = await migrate(url);
    expect(second).toMatchObject({ bootstrapped: false, applied: [], alreadyApplied: first.applied });
    expect(await withClient(url, schemaFingerprint)).toEqual(before);

    const recorded = await withClient(url, (client) =>
      client.query<{ version: string; name: string; statements: string[] }>(
        'select version, name, statements from supabase_migrations.schema_migrations order by version',
      ),
    );
    expect(recorded.rows.map((row) => `${row.version}_${row.name}.sql`)).toEqual(first.applied);
    expect(recorded.rows.every((row) => row.statements.length > 0)).toBe(true);
  });

  it('every file re-runs on a database that already has its objects (the live database case)', async () => {
    const { url } = await emptyDatabase();
    await migrate(url);
    const before = await withClient(url, schemaFingerprint);
    // Forget the bookkeeping: each file now runs again over its own objects, as on the user's database.
    await withClient(url, (client) => client.query('delete from supabase_migrations.schema_migrations'));
    const again = await migrate(url);
    expect(again.applied).toEqual(await migrationFiles());
    expect(await withClient(url, schemaFingerprint)).toEqual(before);
  });

  it("apply over the seed's own tables, indexes and original policies, keeping the rows and replacing the policies", async () => {
    const { url } = await emptyDatabase();
    const orgId = '0c000000-0000-4000-8000-000000000001';
    await withClient(url, async (client) => {
      await runSqlFile(client, path.join(supabaseDir(), 'bootstrap', 'outside-supabase.sql'));
      await runSqlFile(client, path.join(supabaseDir(), 'migrations', '20261203000000_baseline.sql'));
      await runSqlFile(client, SEED_SQL);
      await client.query(`insert into organisations (id, name) values ($1, 'Live org')`, [orgId]);
      await client.query(`insert into registration_batch_jobs (name, organisation_id) values ('live batch', $1)`, [orgId]);
      expect(await policyNames(client, 'registration_job_steps')).toEqual([
        'Users can manage steps for their jobs',
        'Users can view steps for their jobs',
      ]);
    });

    const result = await migrate(url);
    expect(result.bootstrapped).toBe(false);
    expect(result.applied).toEqual(await migrationFiles());

    await withClient(url, async (client) => {
      for (const table of ['registration_batch_jobs', 'registration_jobs', 'registration_job_steps', 'companies_office_search_candidates']) {
        expect(await policyNames(client, table)).toEqual([`${table}_org_access`, `${table}_super_admin_bypass`]);
      }
      const all = await client.query<{ policyname: string }>(`select policyname from pg_policies`);
      for (const name of SEED_POLICY_NAMES) expect(all.rows.map((row) => row.policyname)).not.toContain(name);
      const batch = await client.query(`select name, revision, machine_snapshot from registration_batch_jobs`);
      expect(batch.rows).toEqual([{ name: 'live batch', revision: '0', machine_snapshot: null }]);
    });

    // The result is the same schema as a fresh install.
    const fresh = await emptyDatabase();
    await migrate(fresh.url);
    expect(await withClient(url, schemaFingerprint)).toEqual(await withClient(fresh.url, schemaFingerprint));
  });
  it('apply over the live deltas (reference §3.3): nullable batch_job_id, widened statuses, an extra column', async () => {
    const { url } = await emptyDatabase();
    const org = '0c000000-0000-4000-8000-000000000002';
    await withClient(url, async (client) => {
      await runSqlFile(client, path.join(supabaseDir(), 'bootstrap', 'outside-supabase.sql'));
      await runSqlFile(client, path.join(supabaseDir(), 'migrations', '20261203000000_baseline.sql'));
      await runSqlFile(client, SEED_SQL);
      await client.query(`alter table registration_jobs alter column batch_job_id drop not null`);
      await client.query(`alter table registration_jobs add column extractions_executed_on_creation boolean default false`);
      await client.query(`alter table registration_jobs drop constraint registration_jobs_status_check,
        add constraint registration_jobs_status_check check (status = any (array['pending', 'in_progress', 'action_required', 'completed', 'failed', 'cancelled', 'skipped']))`);
      await client.query(`insert into organisations (id, name) values ($1, 'Live org')`, [org]);
      const restaurant = await client.query(`insert into restaurants (name, organisation_id) values ('Solo', $1) returning id`, [org]);
      await client.query(`insert into registration_jobs (batch_job_id, restaurant_id, organisation_id, status) values (null, $1, $2, 'action_required')`, [restaurant.rows[0].id, org]);
    });

    await migrate(url);

    await withClient(url, async (client) => {
      const jobs = await client.query(`select batch_job_id, status, revision from registration_jobs`);
      expect(jobs.rows).toEqual([{ batch_job_id: null, status: 'action_required', revision: '0' }]);
      // The live-only column stays writable by users; the engine's columns do not.
      const grants = await client.query<{ column_name: string }>(
        `select column_name from information_schema.column_privileges
          where table_name = 'registration_jobs' and grantee = 'authenticated' and privilege_type = 'UPDATE'`,
      );
      const columns = grants.rows.map((row) => row.column_name);
      expect(columns).toContain('extractions_executed_on_creation');
      expect(columns).toContain('status');
      expect(columns).not.toContain('machine_snapshot');
      expect(columns).not.toContain('revision');
    });
  });
});

describe('migrator', () => {
  it('names the file and the statement that failed, and leaves the database as it was before that file', async () => {
    const { url } = await emptyDatabase();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'regbatch-migrations-'));
    try {
      await cp(supabaseDir(), dir, { recursive: true });
      await writeFile(
        path.join(dir, 'migrations', '29990101000000_broken.sql'),
        [
          'create table public.probe_before_failure (id integer);',
          'insert into public.probe_before_failure values (1);',
          '-- the failing one:',
          'update public.no_such_table set x = 1;',
          'create table public.probe_after_failure (id integer);',
        ].join('\n'),
      );
      const failure = await migrate(url, { supabaseDir: dir }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MigrationError);
      const error = failure as MigrationError;
      expect(error).toMatchObject({ file: '29990101000000_broken.sql', statementIndex: 3, line: 4, code: 'MIGRATION_FAILED' });
      expect(error.statement).toBe('update public.no_such_table set x = 1');
      expect(error.message).toContain('29990101000000_broken.sql');
      expect(error.message).toContain('update public.no_such_table set x = 1');
      expect(error.message).toContain('relation "public.no_such_table" does not exist');

      await withClient(url, async (client) => {
        const probes = await client.query(`select to_regclass('public.probe_before_failure') as t`);
        expect(probes.rows[0].t).toBeNull();
        const versions = await client.query<{ version: string }>('select version from supabase_migrations.schema_migrations');
        expect(versions.rows.map((row) => row.version)).not.toContain('29990101000000');
        // Every earlier file stays applied.
        expect(versions.rows).toHaveLength((await migrationFiles()).length);
      });

      await writeFile(path.join(dir, 'migrations', '29990101000000_broken.sql'), 'create table public.probe_fixed (id integer);');
      const retried = await migrate(url, { supabaseDir: dir });
      expect(retried.applied).toEqual(['29990101000000_broken.sql']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serialises concurrent migrators: one applies everything, the other finds it applied', async () => {
    const { url } = await emptyDatabase();
    const [a, b] = await Promise.all([migrate(url), migrate(url)]);
    const files = await migrationFiles();
    expect([a.applied, b.applied].sort((x, y) => x.length - y.length)).toEqual([[], files]);
  });
});
