// The seed's constraints hold as the database enforces them: CHECK lists, step range, unique pairs, and
// updated_at triggers; plus the task table's own keys.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_ORGANISATIONS } from '../../src/db/seedIdentities';
import { createTestDatabase } from '../../src/testing/database';
import type { TestDatabase } from '../../src/testing/database';

const ORG = SEED_ORGANISATIONS.a.id;
let database: TestDatabase;
let client: pg.Client;
let restaurant: string;
let batch: string;
let job: string;

beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  restaurant = (await client.query(`insert into restaurants (name, organisation_id) values ('R', $1) returning id`, [ORG])).rows[0].id;
  batch = (await client.query(`insert into registration_batch_jobs (name, organisation_id) values ('B', $1) returning id`, [ORG])).rows[0].id;
  job = (
    await client.query(`insert into registration_jobs (batch_job_id, restaurant_id, organisation_id) values ($1, $2, $3) returning id`, [batch, restaurant, ORG])
  ).rows[0].id;
  await client.query(`insert into registration_job_steps (job_id, step_number, step_name) values ($1, 1, 'Menu & Branding Extraction')`, [job]);
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

async function rejection(statement: string, params: unknown[] = []): Promise<{ code: string; constraint?: string; message: string }> {
  try {
    await client.query(statement, params);
  } catch (error) {
    return error as { code: string; constraint?: string; message: string };
  }
  throw new Error(`expected the database to reject: ${statement}`);
}

describe('registration table constraints', () => {
  it.each([
    ['registration_batch_jobs', 'status', 'action_required', 'registration_batch_jobs_status_check'],
    ['registration_batch_jobs', 'execution_mode', 'random', 'registration_batch_jobs_mode_check'],
    ['registration_jobs', 'status', 'action_required', 'registration_jobs_status_check'],
    ['registration_job_steps', 'status', 'paused', 'registration_job_steps_status_check'],
    ['registration_job_steps', 'step_type', 'manual', 'registration_job_steps_type_check'],
    ['companies_office_search_candidates', 'status', 'done', 'companies_search_status_check'],
  ])('%s.%s = %s is rejected by %s', async (table, column, value, constraint) => {
    const key = table === 'companies_office_search_candidates' ? 'restaurant_id' : table === 'registration_job_steps' ? 'job_id' : 'id';
    if (table === 'companies_office_search_candidates') {
      await client.query(`insert into companies_office_search_candidates (restaurant_id, registration_job_id, search_queries) values ($1, $2, '{}') on conflict do nothing`, [restaurant, job]);
    }
    const target = table === 'registration_batch_jobs' ? batch : table === 'registration_jobs' || table === 'registration_job_steps' ? job : restaurant;
    const error = await rejection(`update ${table} set ${column} = $1 where ${key} = $2`, [value, target]);
    expect(error.code).toBe('23514');
    expect(error.constraint).toBe(constraint);
  });

  it('a step_number of 7 (or 0) is rejected', async () => {
    for (const step of [7, 0]) {
      const error = await rejection(`insert into registration_job_steps (job_id, step_number, step_name) values ($1, $2, 'x')`, [job, step]);
      expect(error).toMatchObject({ code: '23514', constraint: 'registration_job_steps_step_range' });
    }
  });

  it('a second job for the same (batch, restaurant) is rejected', async () => {
    const error = await rejection(`insert into registration_jobs (batch_job_id, restaurant_id, organisation_id) values ($1, $2, $3)`, [batch, restaurant, ORG]);
    expect(error).toMatchObject({ code: '23505', constraint: 'registration_jobs_unique_restaurant_batch' });
  });

  it('a second step with the same (job, step_number) is rejected', async () => {
    const error = await rejection(`insert into registration_job_steps (job_id, step_number, step_name) values ($1, 1, 'again')`, [job]);
    expect(error).toMatchObject({ code: '23505', constraint: 'registration_job_steps_unique' });
  });

  it('updated_at moves on update, on every registration table', async () => {
    for (const [table, key, id, assignment] of [
      ['registration_batch_jobs', 'id', () => batch, `name = name || '.'`],
      ['registration_jobs', 'id', () => job, `current_step = 2`],
      ['registration_job_steps', 'job_id', () => job, `retry_count = 1`],
    ] as const) {
      const before = (await client.query(`select updated_at from ${table} where ${key} = $1`, [id()])).rows[0].updated_at as Date;
      await new Promise((resolve) => setTimeout(resolve, 5));
      const after = (await client.query(`update ${table} set ${assignment} where ${key} = $1 returning updated_at`, [id()])).rows[0].updated_at as Date;
      expect(after.getTime(), table).toBeGreaterThan(before.getTime());
    }
  });
});

describe('registration_tasks constraints', () => {
  const insertTask = (key: string, attempt: number, status = 'queued') =>
    client.query(
      `insert into registration_tasks (idempotency_key, attempt, kind, task, job_id, organisation_id, status, lease_expires_at)
       values ($1, $2, 'extraction.run', 'step1.extract', $3, $4, $5, case when $5 = 'running' then now() end)`,
      [key, attempt, job, ORG, status],
    );

  it('one row per attempt: a duplicate (idempotency_key, attempt) is rejected, the next attempt is not', async () => {
    await insertTask(`${job}:step1.extract`, 1);
    const error = await rejection(
      `insert into registration_tasks (idempotency_key, attempt, kind, task, organisation_id) values ($1, 1, 'extraction.run', 'step1.extract', $2)`,
      [`${job}:step1.extract`, ORG],
    );
    expect(error).toMatchObject({ code: '23505', constraint: 'registration_tasks_attempt_unique' });
    await insertTask(`${job}:step1.extract`, 2);
  });

  it('a status outside queued|running|succeeded|failed|cancelled is rejected', async () => {
    const error = await rejection(
      `insert into registration_tasks (idempotency_key, kind, task, organisation_id, status) values ('k-status', 'deliver', 't', $1, 'paused')`,
      [ORG],
    );
    expect(error).toMatchObject({ code: '23514', constraint: 'registration_tasks_status_check' });
  });

  it('the claim query by kind and run_at uses the partial claim index', async () => {
    await client.query('set enable_seqscan = off');
    const plan = await client.query(
      `explain select id from registration_tasks where status = 'queued' and kind = 'extraction.run' and run_at <= now()
       order by priority desc, run_at limit 1 for update skip locked`,
    );
    await client.query('reset enable_seqscan');
    expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('idx_registration_tasks_claim');
  });
});
