// Events through applyEvent: decisions that arrive early, two processes writing one job at the same instant,
// secrets swapped for references before anything is stored, typed rejections with field errors, RLS visibility.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { SEED_USERS } from '../../src/db/seedIdentities';
import { simulatedCompanies } from '../../src/work/simulate';
import { EngineError } from '../../src/engine/errors';
import { AUTO, ORG, SERVER_DIR, SYSTEM, harness, inProcessWorker, makeRestaurants, restaurantsInput, waitFor, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h?.close();
});

const MANUAL = { select: 'never', config: 'never' } as const;

function config(password: string) {
  return {
    email: 'owner@kai.example.co.nz',
    password,
    onboarding: { user_name: 'Jo', user_email: 'jo@kai.example.co.nz', user_password: `${password}-onboarding` },
  };
}

async function jobRow(jobId: string) {
  const { rows } = await sql<{ status: string; current_step: number; revision: string }>`select status, current_step, revision from registration_jobs where id = ${jobId}`.execute(h.db);
  return rows[0]!;
}

async function stepStatus(jobId: string, step: number) {
  const { rows } = await sql<{ status: string }>`select status from registration_job_steps where job_id = ${jobId} and step_number = ${step}`.execute(h.db);
  return rows[0]!.status;
}

describe('applyEvent', () => {
  it('a company selection applied while the job is still in step 1 takes effect when step 3 opens', async () => {
    const [r] = await makeRestaurants(h.db, 1, 'Early');
    const { jobIds } = await h.rt.engine.createBatch({ organisationId: ORG, name: 'Early', restaurants: restaurantsInput([r!], { autoPolicies: MANUAL }) });
    const jobId = jobIds[0]!;
    await h.rt.engine.applyEventOrThrow({ type: 'job', id: jobId }, { type: 'job.start' }, SYSTEM);
    expect((await jobRow(jobId)).current_step).toBe(1);
    const companyNumber = (simulatedCompanies({ id: r!.id, name: r!.name })[0] as { company_number: string }).company_number;
    const early = await h.rt.engine.applyEvent({ type: 'job', id: jobId }, { type: 'company.selected', companyNumber }, { type: 'user', userId: SEED_USERS.userA.id });
    expect(early.ok).toBe(true);
    expect((await jobRow(jobId)).current_step).toBe(1);

    const w = inProcessWorker(h);
    await w.start();
    // Steps 1–2 run, step 3 opens and takes the kept selection at once; step 4 runs; step 5 waits for a person.
    await waitFor(async () => (await stepStatus(jobId, 5)) === 'action_required', 60_000, 'step 5 to wait for its configuration');
    expect(await stepStatus(jobId, 3)).toBe('completed');
    const { rows } = await sql<{ selected_company_number: string; status: string }>`
      select selected_company_number, status from companies_office_search_candidates where registration_job_id = ${jobId}`.execute(h.db);
    expect(rows[0]).toEqual({ selected_company_number: companyNumber, status: 'selected' });
    await w.stop();
  }, 90_000);

  it('two processes applying two different events to one job at the same instant both take effect, revision +2', async () => {
    const [r] = await makeRestaurants(h.db, 1, 'Race');
    const { jobIds } = await h.rt.engine.createBatch({ organisationId: ORG, name: 'Race', restaurants: restaurantsInput([r!], { autoPolicies: MANUAL }) });
    const jobId = jobIds[0]!;
    await h.rt.engine.applyEventOrThrow({ type: 'job', id: jobId }, { type: 'job.start' }, SYSTEM);
    const before = Number((await jobRow(jobId)).revision);
    const events = [
      { type: 'company.selected', companyNumber: '1234567' },
      { type: 'config.submitted', config: config('race-password-1') },
    ];
    const procs = events.map((e) =>
      spawn(process.execPath, ['--import', 'tsx', path.join(SERVER_DIR, 'test/engine/fixtures/apply-on-go.ts'), h.tdb.url, jobId, JSON.stringify(e)], {
        cwd: SERVER_DIR,
        env: { ...process.env, REGBATCH_SECRET_KEYS: h.keySpec },
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    );
    const outputs = procs.map((p) => {
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.stderr.on('data', (d: Buffer) => (out += d.toString()));
      return () => out;
    });
    await waitFor(async () => outputs.every((o) => o().includes('ready')), 60_000, 'both processes connected');
    for (const p of procs) p.stdin.write('go\n');
    await Promise.all(procs.map((p) => new Promise((resolve) => p.once('exit', resolve))));
    const results = outputs.map((o) => JSON.parse(o().trim().split('\n').pop()!) as { ok: boolean; revision: number });
    expect(results.map((x) => x.ok)).toEqual([true, true]);
    expect(results.map((x) => x.revision).sort()).toEqual([before + 1, before + 2]);
    expect(Number((await jobRow(jobId)).revision)).toBe(before + 2);
    // Both are in the job's log, one revision each, and the selection waits in its inbox for step 3.
    const { rows: log } = await sql<{ revision: string; type: string }>`
      select revision, event->>'type' as type from registration_job_events where job_id = ${jobId} and revision > ${before} order by revision`.execute(h.db);
    expect(log.map((l) => l.type).sort()).toEqual(['company.selected', 'config.submitted']);
    const { rows } = await sql<{ inbox: { company: { companyNumber: string } | null } }>`
      select machine_snapshot->'context'->'inbox' as inbox from registration_jobs where id = ${jobId}`.execute(h.db);
    expect(rows[0]!.inbox.company?.companyNumber).toBe('1234567');
  }, 90_000);

  it('a password in a submitted configuration is stored only encrypted, and the handler still receives it', async () => {
    const password = `Sup3r-secret-${Date.now()}`;
    const [r] = await makeRestaurants(h.db, 1, 'Secret');
    const { jobIds } = await h.rt.engine.createBatch({ organisationId: ORG, name: 'Secret', restaurants: restaurantsInput([r!], { autoPolicies: { select: 'confident', config: 'never' } }) });
    const jobId = jobIds[0]!;
    await h.rt.engine.applyEventOrThrow({ type: 'job', id: jobId }, { type: 'job.start' }, SYSTEM);
    await h.rt.engine.applyEventOrThrow({ type: 'job', id: jobId }, { type: 'config.submitted', config: config(password) }, SYSTEM);
    const w = inProcessWorker(h);
    await w.start();
    await waitFor(async () => (await jobRow(jobId)).status === 'completed', 90_000, 'the job to complete');
    await w.stop();

    // The handler got the plaintext: the simulated account creation records its hash (never the password).
    const { createHash } = await import('node:crypto');
    const { rows: fx } = await sql<{ effect: { password_sha256?: string } }>`
      select effect from simulate_effects where job_id = ${jobId} and kind = 'cloudwaitressAccount'`.execute(h.db);
    expect(fx[0]!.effect.password_sha256).toBe(createHash('sha256').update(password).digest('hex'));

    // A dump of every table's rows as text holds no trace of it.
    const { rows: tables } = await sql<{ t: string }>`select quote_ident(table_schema) || '.' || quote_ident(table_name) as t from information_schema.tables
      where table_schema in ('public', 'auth', 'supabase_migrations') and table_type = 'BASE TABLE'`.execute(h.db);
    let hits: string[] = [];
    for (const { t } of tables) {
      const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.raw(t)} x where x::text like ${'%' + password + '%'}`.execute(h.db);
      if (Number(rows[0]!.n) > 0) hits = [...hits, t];
    }
    expect(hits).toEqual([]);
    const { rows: secrets } = await sql<{ n: string }>`select count(*) as n from encrypted_secrets`.execute(h.db);
    expect(Number(secrets[0]!.n)).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it("step 4's default configuration holds the account password only as a secret reference", async () => {
    // The auto policies take the job through step 4 and apply step 5's defaults with no person involved: the
    // password the defaults propose is generated and sealed by step 4's handler, never derived from the name.
    const [r] = await makeRestaurants(h.db, 1, 'Defaults');
    const { jobIds } = await h.rt.engine.createBatch({ organisationId: ORG, name: 'Defaults', restaurants: restaurantsInput([r!], { autoPolicies: AUTO }) });
    const jobId = jobIds[0]!;
    await h.rt.engine.applyEventOrThrow({ type: 'job', id: jobId }, { type: 'job.start' }, SYSTEM);
    const w = inProcessWorker(h);
    await w.start();
    await waitFor(async () => (await jobRow(jobId)).status === 'completed', 90_000, 'the job to complete');
    await w.stop();

    // registration_jobs.execution_config (applied by the defaults policy) holds a reference in both places.
    const { rows: cfg } = await sql<{ execution_config: { password: unknown; onboarding: { user_password: unknown } } }>`
      select execution_config from registration_jobs where id = ${jobId}`.execute(h.db);
    const ref = cfg[0]!.execution_config.password as { secret_ref: string };
    expect(ref).toEqual({ secret_ref: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(cfg[0]!.execution_config.onboarding.user_password).toEqual(ref);
    const { rows: applied } = await sql<{ result_data: { source?: string } }>`
      select result_data from registration_job_steps where job_id = ${jobId} and step_number = 5`.execute(h.db);
    expect(applied[0]!.result_data.source).toBe('auto-policy');

    // It resolves to a real, strong password, and that is what step 6's handler received (the simulated account
    // creation records the hash of the password in its revealed input).
    const password = await h.rt.secrets.reveal(ref);
    expect(password).toMatch(/^(?=.*[A-Z])(?=.*[a-z])(?=.*\d)(?=.*[^A-Za-z\d]).{20}$/);
    const { createHash } = await import('node:crypto');
    const { rows: fx } = await sql<{ effect: { password_sha256?: string } }>`
      select effect from simulate_effects where job_id = ${jobId} and kind = 'cloudwaitressAccount'`.execute(h.db);
    expect(fx[0]!.effect.password_sha256).toBe(createHash('sha256').update(password).digest('hex'));
    // Step 6's stored task input carries the reference, not the password.
    const { rows: inputs } = await sql<{ input: { config: { password: unknown } } }>`
      select input from registration_tasks where job_id = ${jobId} and kind = 'cloudwaitressAccount'`.execute(h.db);
    expect(inputs[0]!.input.config.password).toEqual(ref);

    // Every table's rows as text: neither the generated password nor the original's name-derived one appears.
    const derived = `${r!.name.replace(/[^A-Za-z]/g, '').charAt(0).toUpperCase()}${r!.name.replace(/[^A-Za-z]/g, '').slice(1).toLowerCase()}789!`;
    const { rows: tables } = await sql<{ t: string }>`select quote_ident(table_schema) || '.' || quote_ident(table_name) as t from information_schema.tables
      where table_schema in ('public', 'auth', 'supabase_migrations') and table_type = 'BASE TABLE'`.execute(h.db);
    const hits: string[] = [];
    for (const { t } of tables) {
      for (const secret of [password, derived]) {
        const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.raw(t)} x where strpos(x::text, ${secret}) > 0`.execute(h.db);
        if (Number(rows[0]!.n) > 0) hits.push(`${t}: ${secret === password ? 'generated' : 'derived'}`);
      }
    }
    expect(hits).toEqual([]);
  }, 120_000);

  it('an invalid configuration is refused with field errors naming the field and value, and nothing is written', async () => {
    const [r] = await makeRestaurants(h.db, 1, 'Invalid');
    const { jobIds } = await h.rt.engine.createBatch({ organisationId: ORG, name: 'Invalid', restaurants: restaurantsInput([r!], { autoPolicies: MANUAL }) });
    const jobId = jobIds[0]!;
    await h.rt.engine.applyEventOrThrow({ type: 'job', id: jobId }, { type: 'job.start' }, SYSTEM);
    const before = await jobRow(jobId);
    const res = await h.rt.engine.applyEvent({ type: 'job', id: jobId }, { type: 'config.submitted', config: { ...config('pw-123456'), email: 'not-an-email' } }, SYSTEM);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.code).toBe('validation_failed');
    expect(res.fieldErrors?.some((f) => f.path === 'email' && f.value === 'not-an-email')).toBe(true);
    expect(await jobRow(jobId)).toEqual(before);
  });

  it("a user's command on another organisation's job is refused as not visible", async () => {
    const [r] = await makeRestaurants(h.db, 1, 'Private');
    const { jobIds } = await h.rt.engine.createBatch({ organisationId: ORG, name: 'Private', restaurants: restaurantsInput([r!]) });
    const err = await h.rt.engine.applyEvent({ type: 'job', id: jobIds[0]! }, { type: 'job.cancel' }, { type: 'user', userId: SEED_USERS.userB.id }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('not_visible');
    const ok = await h.rt.engine.applyEvent({ type: 'job', id: jobIds[0]! }, { type: 'job.cancel' }, { type: 'user', userId: SEED_USERS.userA.id });
    expect(ok.ok).toBe(true);
  });
});
