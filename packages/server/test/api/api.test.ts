// The API through a real server and database with two organisations: isolation by RLS (even by id), roles, 401s,
// field-level validation errors, bulk review actions across jobs, masked secrets, legacy read-only rows, ops routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { MASKED } from '../../src/api/mask';
import { ORG_A, ORG_B, SEED_USERS, apiHarness, makeRestaurants, rejects, waitFor, type ApiHarness, type Client } from './helpers';

let h: ApiHarness;
let userA: Client;
let adminA: Client;
let userB: Client;
let adminB: Client;
let batchA: string;
let jobsA: string[];
let batchB: string;
let jobsB: string[];
const namesA: string[] = [];
/** Every response body the suite received, to search for secrets at the end. */
const seen: string[] = [];
const keep = <T>(value: T): T => {
  seen.push(JSON.stringify(value));
  return value;
};

const PASSWORD = 'Sup3r-Secret-Pass!';
const INTEGRATOR_SECRET = 'integrator-secret-7c1f0e';

beforeAll(async () => {
  h = await apiHarness();
  userA = h.client(await h.token(SEED_USERS.userA));
  adminA = h.client(await h.token(SEED_USERS.adminA));
  userB = h.client(await h.token(SEED_USERS.userB));
  adminB = h.client(await h.token(SEED_USERS.adminB));
  const restaurantsA = await makeRestaurants(h.db, ORG_A, 3, 'Aroha');
  const restaurantsB = await makeRestaurants(h.db, ORG_B, 2, 'Bravo');
  namesA.push('Aroha Kitchen 1', 'Aroha Kitchen 2', 'Aroha Kitchen 3');
  const a = await userA.batches.create.mutate({ name: 'Batch A', restaurantIds: restaurantsA, start: true });
  const b = await userB.batches.create.mutate({ name: 'Batch B', restaurantIds: restaurantsB, start: true });
  batchA = a.batchId;
  jobsA = a.jobIds;
  batchB = b.batchId;
  jobsB = b.jobIds;
  await h.worker();
  // With no auto policies every job stops at step 3 for a person.
  await waitFor(async () => (await userA.reviews.list.query({ kind: 'company' })).total === 3 || undefined, 20_000, "A's three company selections");
  await waitFor(async () => (await userB.reviews.list.query({ kind: 'company' })).total === 2 || undefined, 20_000, "B's two company selections");
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('authentication', () => {
  it('answers 401 without a token and for a token not signed by the configured secret', async () => {
    expect(await rejects(h.client(null).batches.list.query({}))).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
    expect(await rejects(h.client('not-a-jwt').batches.list.query({}))).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
    const forged = await (await import('../../src/auth/local')).signDevToken('another-secret-of-enough-length-000000', SEED_USERS.adminA);
    expect(await rejects(h.client(forged).batches.list.query({}))).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
    const res = await fetch(`${h.url}/api/artifacts/${jobsA[0]}/x.png`);
    expect(res.status).toBe(401);
  });

  it('takes organisation and role from profiles, and devLogin issues a working token in local mode', async () => {
    const login = await h.client(null).auth.devLogin.mutate({ email: 'ADMIN@org-a.example' });
    const me = await h.client(login.token).auth.me.query();
    expect(me).toMatchObject({ id: SEED_USERS.adminA.id, role: 'admin', organisationId: ORG_A, organisationName: 'Organisation A' });
    expect(await rejects(h.client(null).auth.devLogin.mutate({ email: 'nobody@example.com' }))).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('organisation isolation', () => {
  it("A never sees B's batches, jobs or reviews, even by id", async () => {
    const list = keep(await userA.batches.list.query({}));
    expect(list.items.map((b) => b.id)).toEqual([batchA]);
    expect(list.items[0]).toMatchObject({ pendingReviews: 3, readOnly: false, totalRestaurants: 3 });
    expect(list.items[0]!.restaurantsPreview.map((r) => r.name).sort()).toEqual(namesA);
    expect((await userA.batches.list.query()).total).toBe(1);
    expect(await rejects(userA.batches.get.query({ batchId: batchB }))).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 });
    expect(await rejects(userA.jobs.list.query({ batchId: batchB }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await rejects(userA.jobs.get.query({ jobId: jobsB[0]! }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await rejects(userA.batches.export.query({ batchId: batchB }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await rejects(userA.batches.stateCounts.query({ batchId: batchB }))).toMatchObject({ code: 'NOT_FOUND' });
    const reviews = keep(await userA.reviews.list.query({}));
    expect(reviews.items.every((r) => r.batchId === batchA)).toBe(true);
    expect((await userA.reviews.list.query({ batchId: batchB })).items).toEqual([]);
    const restaurants = await userA.restaurants.list.query({});
    expect(restaurants.items.every((r) => r.name.startsWith('Aroha'))).toBe(true);
  });

  it("A cannot change B's batches or jobs: every command is NOT_FOUND and B's rows keep their revision", async () => {
    const before = await revisions(batchB);
    expect(await rejects(userA.batches.pause.mutate({ batchId: batchB }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await rejects(adminA.batches.cancel.mutate({ batchId: batchB }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await rejects(userA.jobs.cancel.mutate({ jobId: jobsB[0]! }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await rejects(adminA.jobs.markSubStepDone.mutate({ jobId: jobsB[0]!, key: 'menuImport' }))).toMatchObject({ code: 'NOT_FOUND' });
    const bulk = await userA.reviews.noMatch.mutate({ jobIds: jobsB });
    expect(bulk).toMatchObject({ applied: 0, refused: 2 });
    expect(bulk.results.every((r) => r.code === 'NOT_FOUND')).toBe(true);
    expect(await revisions(batchB)).toEqual(before);
  });

  it("A cannot read or change B's settings, and cannot download B's artifacts", async () => {
    expect(await rejects(userA.settings.get.query({ organisationId: ORG_B }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await rejects(adminA.settings.update.mutate({ organisationId: ORG_B, target: 'production' }))).toMatchObject({ code: 'NOT_FOUND' });
    const { rows } = await sql<{ id: string }>`select id from registration_tasks where job_id = ${jobsB[0]} order by created_at limit 1`.execute(h.db);
    const taskId = rows[0]!.id;
    const ref = await h.artifacts.save({ organisationId: ORG_B, taskId }, 'attempt-1-screenshot.png', new Uint8Array([137, 80, 78, 71]), 'image/png');
    await sql`update registration_tasks set artifacts = ${JSON.stringify([ref])}::jsonb where id = ${taskId}`.execute(h.db);
    const asA = await fetch(`${h.url}/api/artifacts/${taskId}/attempt-1-screenshot.png`, { headers: { authorization: `Bearer ${await h.token(SEED_USERS.adminA)}` } });
    expect(asA.status).toBe(404);
    const asB = await fetch(`${h.url}/api/artifacts/${taskId}/attempt-1-screenshot.png`, { headers: { authorization: `Bearer ${await h.token(SEED_USERS.userB)}` } });
    expect(asB.status).toBe(200);
    expect(asB.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await asB.arrayBuffer())).toEqual(new Uint8Array([137, 80, 78, 71]));
    const job = keep(await userB.jobs.get.query({ jobId: jobsB[0]! }));
    expect(job.tasks.find((t) => t.id === taskId)?.artifacts[0]).toMatchObject({ name: 'attempt-1-screenshot.png', url: `/api/artifacts/${taskId}/attempt-1-screenshot.png` });
    // Purged by retention: gone (410), not a server error.
    await h.artifacts.purge(0, new Date(Date.now() + 1_000));
    const purged = await fetch(`${h.url}/api/artifacts/${taskId}/attempt-1-screenshot.png`, { headers: { authorization: `Bearer ${await h.token(SEED_USERS.userB)}` } });
    expect(purged.status).toBe(410);
  });
});

describe('roles', () => {
  it('a plain user cannot cancel a batch; an admin can', async () => {
    const ids = await makeRestaurants(h.db, ORG_A, 1, 'Cancelme');
    const { batchId } = await userA.batches.create.mutate({ name: 'To cancel', restaurantIds: ids, draft: true });
    expect(await rejects(userA.batches.cancel.mutate({ batchId }))).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403 });
    expect((await userA.batches.get.query({ batchId })).status).toBe('draft');
    await adminA.batches.cancel.mutate({ batchId, reason: 'not needed' });
    expect((await userA.batches.get.query({ batchId })).status).toBe('cancelled');
    expect(await rejects(adminA.batches.start.mutate({ batchId }))).toMatchObject({ code: 'PRECONDITION_FAILED', domainCode: 'target_final' });
  });

  it('settings: secrets are write-only, admins only, URLs validated field by field', async () => {
    expect(await rejects(userA.settings.update.mutate({ target: 'production' }))).toMatchObject({ code: 'FORBIDDEN' });
    const updated = keep(await adminA.settings.update.mutate({ adminUrl: 'https://admin.pumpd.co.nz', integratorSecret: INTEGRATOR_SECRET, accountGapMs: 25 }));
    expect(updated.values).toMatchObject({ adminUrl: 'https://admin.pumpd.co.nz', accountGapMs: 25, target: 'sandbox' });
    expect(updated.secrets.integratorSecret).toEqual({ set: true });
    expect(updated.secrets.nzbnApiKey).toEqual({ set: false });
    const read = keep(await userA.settings.get.query());
    expect(read.secrets.integratorSecret).toEqual({ set: true });
    const { rows } = await sql<{ settings: Record<string, unknown> }>`select settings from organisations where id = ${ORG_A}`.execute(h.db);
    expect(JSON.stringify(rows[0]!.settings)).not.toContain(INTEGRATOR_SECRET);
    expect(rows[0]!.settings.integratorSecret).toMatchObject({ secret_ref: expect.any(String) });
    const bad = await rejects(adminA.settings.update.mutate({ adminUrl: 'ftp://nope', accountGapMs: -1 }));
    expect(bad).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    expect(Object.keys(bad.fieldErrors ?? {}).sort()).toEqual(['accountGapMs', 'adminUrl']);
    expect(bad.message).not.toMatch(/^\[/);
  });
});

describe('reviews', () => {
  it('a bad configuration is refused with field-level errors (email, phone, colour) and nothing is applied', async () => {
    const before = await revisions(batchA);
    const err = await rejects(
      userA.reviews.submitConfig.mutate({
        configs: [{ jobId: jobsA[0]!, config: { email: 'not-an-email', password: PASSWORD, phone: '12', settings: { primary_color: 'blueish' } } }],
      }),
    );
    expect(err).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, domainCode: 'invalid_input' });
    expect(err.fieldErrors?.['configs.0.config.email']?.[0]).toContain('not-an-email');
    expect(err.fieldErrors?.['configs.0.config.phone']?.[0]).toContain('"12"');
    expect(Object.keys(err.fieldErrors ?? {})).toContain('configs.0.config.settings.primary_color');
    expect(err.message).not.toContain(PASSWORD);
    const shape = await rejects(userA.reviews.submitConfig.mutate({ configs: [{ jobId: 'x', config: {} }] }));
    expect(shape.fieldErrors?.['configs.0.jobId']).toBeDefined();
    expect(await revisions(batchA)).toEqual(before);
  });

  it('selects companies for several jobs at once, then submits their configurations in bulk to completion', async () => {
    const pending = keep(await userA.reviews.list.query({ kind: 'company', batchId: batchA }));
    expect(pending.items).toHaveLength(3);
    for (const item of pending.items) expect((item.candidates as { company_number: string }[]).length).toBeGreaterThan(0);
    const selections = pending.items.map((i) => ({ jobId: i.jobId, companyNumber: (i.candidates as { company_number: string }[])[0]!.company_number }));
    const result = await userA.reviews.selectCompany.mutate({ selections });
    expect(result).toMatchObject({ applied: 3, refused: 0 });

    const configs = await waitFor(async () => {
      const r = await userA.reviews.list.query({ kind: 'config', batchId: batchA });
      return r.total === 3 ? r : undefined;
    }, 20_000, 'three configurations to review');
    keep(configs);
    for (const item of configs.items) {
      const proposed = item.proposedConfig as { password?: unknown };
      expect(proposed.password).toBe(MASKED);
    }
    // One job gets an explicit password; the others keep the proposed one without the client ever seeing it.
    const submitted = await userA.reviews.submitConfig.mutate({
      configs: configs.items.map((item, i) => {
        const { password: _masked, onboarding: _o, ...rest } = item.proposedConfig as Record<string, unknown>;
        return { jobId: item.jobId, config: i === 0 ? { ...rest, password: PASSWORD } : rest };
      }),
    });
    expect(submitted).toMatchObject({ applied: 3, refused: 0 });
    const done = await waitFor(async () => {
      const b = await userA.batches.get.query({ batchId: batchA });
      return b.status === 'completed' ? b : undefined;
    }, 30_000, 'batch A to complete');
    expect(keep(done)).toMatchObject({ completedRestaurants: 3, failedRestaurants: 0, pendingReviews: 0, jobsByStatus: { completed: 3 } });
    for (let step = 1; step <= 6; step++) expect(keep(done).stepSummary[`step_${step}`]).toEqual({ completed: 3 });
    for (const jobId of jobsA) {
      const job = keep(await userA.jobs.get.query({ jobId }));
      expect(job.status).toBe('completed');
      expect(job.stepsDetail.map((s) => s.status)).toEqual(['completed', 'completed', 'completed', 'completed', 'completed', 'completed']);
      expect(job.tasks.length).toBeGreaterThan(12);
      expect(job.events.length).toBeGreaterThan(10);
    }
    const exported = keep(await userA.batches.export.query({ batchId: batchA }));
    expect(exported.rows).toBe(3);
    expect(exported.csv.split('\n')[0]).toBe('restaurant,site_url,login_email,stripe_link,outcome,error,completed_at,job_id');
    const counts = keep(await userA.batches.stateCounts.query({ batchId: batchA }));
    expect(counts.jobs).toBe(3);
    expect(counts.states.reduce((n, s) => n + s.count, 0)).toBeGreaterThanOrEqual(3);
  }, 60_000);
});

describe('rows written by the original implementation', () => {
  it('are listed read-only and refuse commands', async () => {
    const { rows } = await sql<{ id: string }>`
      insert into registration_batch_jobs (name, organisation_id, status, total_restaurants) values ('Legacy batch', ${ORG_A}, 'in_progress', 4)
      returning id`.execute(h.db);
    const legacy = rows[0]!.id;
    const list = await userA.batches.list.query({ status: 'active' });
    expect(list.items.find((b) => b.id === legacy)).toMatchObject({ readOnly: true, name: 'Legacy batch' });
    expect(await rejects(userA.batches.pause.mutate({ batchId: legacy }))).toMatchObject({ code: 'PRECONDITION_FAILED', domainCode: 'no_snapshot' });
  });

  it('count their steps from the step rows in the batch detail (they have no step_statuses)', async () => {
    const { rows } = await sql<{ id: string }>`
      insert into registration_batch_jobs (name, organisation_id, status, total_restaurants) values ('Legacy counted', ${ORG_A}, 'in_progress', 2)
      returning id`.execute(h.db);
    const legacy = rows[0]!.id;
    const restaurantIds = await makeRestaurants(h.db, ORG_A, 2, 'Aroha legacy');
    for (const [i, restaurantId] of restaurantIds.entries()) {
      const { rows: job } = await sql<{ id: string }>`
        insert into registration_jobs (batch_job_id, restaurant_id, organisation_id, status) values (${legacy}, ${restaurantId}, ${ORG_A}, 'in_progress')
        returning id`.execute(h.db);
      for (let step = 1; step <= 6; step++) {
        const status = step <= 2 ? 'completed' : step === 3 ? (i === 0 ? 'action_required' : 'in_progress') : 'pending';
        await sql`insert into registration_job_steps (job_id, step_number, step_name, status) values (${job[0]!.id}, ${step}, ${`Step ${step}`}, ${status})`.execute(h.db);
      }
    }
    const detail = await userA.batches.get.query({ batchId: legacy });
    expect(detail.jobsByStatus).toEqual({ in_progress: 2 });
    expect(detail.stepSummary).toMatchObject({ step_1: { completed: 2 }, step_3: { action_required: 1, in_progress: 1 }, step_6: { pending: 2 } });
    expect(detail.stepRequiringAction).toBe(3);
  });
});

describe('operations and secrets', () => {
  it('/healthz reports the database and workers; /metrics exposes tasks and applyEvent latency', async () => {
    const health = await fetch(`${h.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, database: { ok: true }, live: { listening: true } });
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/regbatch_apply_event_seconds_count\{target="job",outcome="applied"\} [1-9]/);
    expect(metrics).toMatch(/regbatch_tasks\{kind="menuImport",status="succeeded"\} 3/);
  });

  it('no response and no log line holds a secret: passwords, the integrator secret, tokens', async () => {
    const tokens = [await h.token(SEED_USERS.userA), await h.token(SEED_USERS.adminA)];
    const secrets = [PASSWORD, INTEGRATOR_SECRET, ...tokens, h.jwtSecret];
    for (const jobId of jobsA) seen.push(JSON.stringify(await adminA.jobs.get.query({ jobId })));
    seen.push(JSON.stringify(await adminA.batches.get.query({ batchId: batchA })));
    expect(seen.length).toBeGreaterThan(10);
    expect(h.logLines.length).toBeGreaterThan(10);
    for (const secret of secrets) {
      for (const body of seen) expect(body).not.toContain(secret);
      for (const line of h.logLines) expect(line).not.toContain(secret);
    }
    // The secrets did reach the database, encrypted: the submitted password is a reference in the job's config.
    const { rows } = await sql<{ config: unknown }>`select execution_config as config from registration_jobs where id = ${jobsA[0]}`.execute(h.db);
    expect(JSON.stringify(rows[0]!.config)).toContain('secret_ref');
    void adminB;
  });
});

async function revisions(batchId: string): Promise<string[]> {
  const { rows } = await sql<{ r: string }>`
    select revision::text as r from registration_batch_jobs where id = ${batchId}
    union all select revision::text from registration_jobs where batch_job_id = ${batchId}`.execute(h.db);
  return rows.map((r) => r.r).sort();
}
