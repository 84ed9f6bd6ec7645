// Row-level security and column privileges, with claims set the way the server sets them:
// `set local role authenticated` and `request.jwt.claims` inside one transaction.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_ORGANISATIONS, SEED_USERS } from '../../src/db/seedIdentities';
import { asUser } from '../../src/db/rls';
import { createTestDatabase } from '../../src/testing/database';
import type { TestDatabase } from '../../src/testing/database';

const ORG_A = SEED_ORGANISATIONS.a.id;
const ORG_B = SEED_ORGANISATIONS.b.id;
const ids = {
  a: { restaurant: '1a000000-0000-4000-8000-000000000001', batch: '2a000000-0000-4000-8000-000000000001', job: '3a000000-0000-4000-8000-000000000001' },
  b: { restaurant: '1b000000-0000-4000-8000-000000000001', batch: '2b000000-0000-4000-8000-000000000001', job: '3b000000-0000-4000-8000-000000000001' },
};
const SEED_TABLES = ['registration_batch_jobs', 'registration_jobs', 'registration_job_steps', 'companies_office_search_candidates'] as const;
const ENGINE_TABLES = ['registration_tasks', 'registration_job_events', 'encrypted_secrets'] as const;

let database: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  for (const [key, org] of [['a', ORG_A], ['b', ORG_B]] as const) {
    const row = ids[key];
    await client.query(`insert into restaurants (id, name, organisation_id) values ($1, $2, $3)`, [row.restaurant, `Restaurant ${key}`, org]);
    await client.query(`insert into registration_batch_jobs (id, name, organisation_id) values ($1, $2, $3)`, [row.batch, `Batch ${key}`, org]);
    await client.query(`insert into registration_jobs (id, batch_job_id, restaurant_id, organisation_id) values ($1, $2, $3, $4)`, [row.job, row.batch, row.restaurant, org]);
    await client.query(`insert into registration_job_steps (job_id, step_number, step_name) values ($1, 1, 'Menu & Branding Extraction')`, [row.job]);
    await client.query(`insert into companies_office_search_candidates (restaurant_id, registration_job_id, search_queries) values ($1, $2, '{}')`, [row.restaurant, row.job]);
    await client.query(
      `insert into registration_tasks (idempotency_key, kind, task, job_id, batch_id, organisation_id) values ($1, 'extraction.run', 'step1.extract', $2, $3, $4)`,
      [`${row.job}:step1.extract`, row.job, row.batch, org],
    );
    await client.query(`insert into registration_job_events (job_id, batch_id, organisation_id, revision, event, actor) values ($1, $2, $3, 1, '{"type":"job.start"}', 'engine')`, [row.job, row.batch, org]);
    await client.query(`insert into encrypted_secrets (organisation_id, ciphertext, key_id) values ($1, '\\x00', 'k1')`, [org]);
  }
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

/** Runs `run` in a transaction as `role` with the given claims, then rolls back so tests stay independent. */
async function as<T>(role: 'anon' | 'authenticated' | 'service_role', sub: string | null, run: () => Promise<T>): Promise<T> {
  await client.query('begin');
  try {
    await client.query(`set local role ${role}`);
    await client.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(sub ? { sub, role } : { role })]);
    return await run();
  } finally {
    await client.query('rollback');
  }
}
const asUserA = <T>(run: () => Promise<T>) => as('authenticated', SEED_USERS.userA.id, run);

/** The organisations whose rows of `table` the current role sees (steps and candidates via their job / restaurant). */
async function orgsVisible(table: string): Promise<string[]> {
  const orgOf: Record<string, string> = {
    [ids.a.job]: ORG_A,
    [ids.b.job]: ORG_B,
    [ids.a.restaurant]: ORG_A,
    [ids.b.restaurant]: ORG_B,
  };
  const column =
    table === 'registration_job_steps' ? 'job_id' : table === 'companies_office_search_candidates' ? 'restaurant_id' : 'organisation_id';
  const rows = await client.query<{ id: string }>(`select ${column}::text as id from ${table}`);
  return [...new Set(rows.rows.map((row) => orgOf[row.id] ?? row.id))].sort();
}

async function failure(run: () => Promise<unknown>): Promise<{ code?: string; message: string }> {
  await client.query('savepoint probe');
  try {
    await run();
  } catch (error) {
    await client.query('rollback to savepoint probe');
    return error as { code?: string; message: string };
  }
  throw new Error('expected the statement to fail');
}

describe('a user of organisation A', () => {
  it("sees only A's batches, jobs, steps, candidates, tasks, events and secrets", async () => {
    await asUserA(async () => {
      for (const table of [...SEED_TABLES, ...ENGINE_TABLES]) expect(await orgsVisible(table), table).toEqual([ORG_A]);
    });
  });

  it("inserts, updates and deletes A's rows", async () => {
    await asUserA(async () => {
      const batch = await client.query(`insert into registration_batch_jobs (name, organisation_id) values ('new', $1) returning id`, [ORG_A]);
      const job = await client.query(
        `insert into registration_jobs (batch_job_id, restaurant_id, organisation_id) values ($1, $2, $3) returning id`,
        [batch.rows[0].id, ids.a.restaurant, ORG_A],
      );
      await client.query(`insert into registration_job_steps (job_id, step_number, step_name) values ($1, 2, 'Contact Details Search')`, [job.rows[0].id]);
      await client.query(`insert into companies_office_search_candidates (restaurant_id, registration_job_id, search_queries) values ($1, $2, '{}')`, [ids.a.restaurant, job.rows[0].id]);

      expect((await client.query(`update registration_batch_jobs set name = 'renamed' where id = $1`, [ids.a.batch])).rowCount).toBe(1);
      expect((await client.query(`update registration_jobs set status = 'in_progress' where id = $1`, [ids.a.job])).rowCount).toBe(1);
      expect((await client.query(`update registration_job_steps set status = 'completed' where job_id = $1`, [ids.a.job])).rowCount).toBe(1);
      expect((await client.query(`update companies_office_search_candidates set status = 'searching' where restaurant_id = $1`, [ids.a.restaurant])).rowCount).toBe(2);

      expect((await client.query(`delete from companies_office_search_candidates where registration_job_id = $1`, [job.rows[0].id])).rowCount).toBe(1);
      expect((await client.query(`delete from registration_job_steps where job_id = $1`, [job.rows[0].id])).rowCount).toBe(1);
      expect((await client.query(`delete from registration_jobs where id = $1`, [job.rows[0].id])).rowCount).toBe(1);
      expect((await client.query(`delete from registration_batch_jobs where id = $1`, [batch.rows[0].id])).rowCount).toBe(1);
    });
  });

  it("cannot see, update or delete B's rows", async () => {
    await asUserA(async () => {
      expect((await client.query(`select 1 from registration_batch_jobs where id = $1`, [ids.b.batch])).rowCount).toBe(0);
      expect((await client.query(`update registration_batch_jobs set name = 'x' where id = $1`, [ids.b.batch])).rowCount).toBe(0);
      expect((await client.query(`update registration_jobs set status = 'failed' where id = $1`, [ids.b.job])).rowCount).toBe(0);
      expect((await client.query(`update registration_job_steps set status = 'failed' where job_id = $1`, [ids.b.job])).rowCount).toBe(0);
      expect((await client.query(`delete from companies_office_search_candidates where restaurant_id = $1`, [ids.b.restaurant])).rowCount).toBe(0);
      expect((await client.query(`delete from registration_jobs where id = $1`, [ids.b.job])).rowCount).toBe(0);
      expect((await client.query(`delete from registration_batch_jobs where id = $1`, [ids.b.batch])).rowCount).toBe(0);
    });
    const untouched = await client.query(`select name from registration_batch_jobs where id = $1`, [ids.b.batch]);
    expect(untouched.rows).toEqual([{ name: 'Batch b' }]);
  });

  it('gets the policy error when inserting for B, or moving a row to B', async () => {
    await asUserA(async () => {
      const inserts: Array<[string, unknown[]]> = [
        [`insert into registration_batch_jobs (name, organisation_id) values ('for b', $1)`, [ORG_B]],
        [`insert into registration_jobs (batch_job_id, restaurant_id, organisation_id) values ($1, $2, $3)`, [ids.b.batch, ids.b.restaurant, ORG_B]],
        [`insert into registration_job_steps (job_id, step_number, step_name) values ($1, 3, 'Company Selection')`, [ids.b.job]],
        [`insert into companies_office_search_candidates (restaurant_id, search_queries) values ($1, '{}')`, [ids.b.restaurant]],
      ];
      for (const [statement, params] of inserts) {
        const error = await failure(() => client.query(statement, params));
        expect(error.code, statement).toBe('42501');
        expect(error.message).toMatch(/new row violates row-level security policy for table/);
      }
      const moved = await failure(() => client.query(`update registration_batch_jobs set organisation_id = $1 where id = $2`, [ORG_B, ids.a.batch]));
      expect(moved.message).toMatch(/new row violates row-level security policy/);
    });
  });

  it('reads but never writes tasks, events and secrets', async () => {
    await asUserA(async () => {
      const writes = [
        `insert into registration_tasks (idempotency_key, kind, task, organisation_id) values ('x', 'deliver', 'x', '${ORG_A}')`,
        `update registration_tasks set status = 'cancelled'`,
        `delete from registration_tasks`,
        `insert into registration_job_events (job_id, organisation_id, revision, event, actor) values ('${ids.a.job}', '${ORG_A}', 2, '{}', 'me')`,
        `update registration_job_events set actor = 'me'`,
        `delete from registration_job_events`,
        `insert into encrypted_secrets (organisation_id, ciphertext, key_id) values ('${ORG_A}', '\\x01', 'k')`,
        `update encrypted_secrets set key_id = 'k2'`,
        `delete from encrypted_secrets`,
      ];
      for (const statement of writes) {
        const error = await failure(() => client.query(statement));
        expect(error.code, statement).toBe('42501');
        expect(error.message).toMatch(/permission denied for table/);
      }
    });
  });

  it('never writes the snapshot, machine version or revision columns', async () => {
    await asUserA(async () => {
      for (const [table, id] of [['registration_batch_jobs', ids.a.batch], ['registration_jobs', ids.a.job]] as const) {
        for (const assignment of [`machine_snapshot = '{}'`, 'machine_version = 2', 'revision = revision + 1']) {
          const error = await failure(() => client.query(`update ${table} set ${assignment} where id = $1`, [id]));
          expect(error.code, `${table} ${assignment}`).toBe('42501');
        }
      }
      const insert = await failure(() =>
        client.query(`insert into registration_batch_jobs (name, organisation_id, machine_snapshot) values ('x', $1, '{}')`, [ORG_A]),
      );
      expect(insert.code).toBe('42501');
      // Reading them is fine.
      const read = await client.query(`select revision, machine_snapshot from registration_jobs where id = $1`, [ids.a.job]);
      expect(read.rows).toEqual([{ revision: '0', machine_snapshot: null }]);
    });
  });

  it('is what asUser() runs as', async () => {
    const seen = await asUser(database.db, SEED_USERS.userA.id, (trx) =>
      trx.selectFrom('registration_batch_jobs').select('organisation_id').execute(),
    );
    expect(seen.map((row) => row.organisation_id)).toEqual([ORG_A]);
  });
});

describe('other roles', () => {
  it('the super admin sees both organisations', async () => {
    await as('authenticated', SEED_USERS.superAdmin.id, async () => {
      for (const table of [...SEED_TABLES, ...ENGINE_TABLES]) expect(await orgsVisible(table), table).toEqual([ORG_A, ORG_B]);
    });
  });

  it('an admin of B sees only B', async () => {
    await as('authenticated', SEED_USERS.adminB.id, async () => {
      for (const table of SEED_TABLES) expect(await orgsVisible(table), table).toEqual([ORG_B]);
    });
  });

  it('anon sees nothing', async () => {
    await as('anon', null, async () => {
      for (const table of [...SEED_TABLES, 'restaurants', 'organisations', 'profiles']) {
        expect((await client.query(`select * from ${table}`)).rowCount, table).toBe(0);
      }
      for (const table of ENGINE_TABLES) {
        expect((await failure(() => client.query(`select * from ${table}`))).code, table).toBe('42501');
      }
    });
  });

  it('a signed-in user with no profile sees nothing', async () => {
    await as('authenticated', '0f000000-0000-4000-8000-00000000000f', async () => {
      for (const table of [...SEED_TABLES, ...ENGINE_TABLES]) expect(await orgsVisible(table), table).toEqual([]);
    });
  });

  it('service_role sees and writes everything', async () => {
    await as('service_role', null, async () => {
      for (const table of [...SEED_TABLES, ...ENGINE_TABLES]) expect(await orgsVisible(table), table).toEqual([ORG_A, ORG_B]);
      await client.query(`update registration_jobs set machine_snapshot = '{"value":"x"}', revision = revision + 1`);
      await client.query(`update registration_tasks set status = 'running', lease_owner = 'w1', lease_expires_at = now()`);
      await client.query(`insert into registration_job_events (batch_id, organisation_id, revision, event, actor) values ($1, $2, 1, '{}', 'engine')`, [ids.b.batch, ORG_B]);
      await client.query(`insert into encrypted_secrets (organisation_id, ciphertext, key_id) values ($1, '\\x02', 'k1')`, [ORG_B]);
    });
  });
});
