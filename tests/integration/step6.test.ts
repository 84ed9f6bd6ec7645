// Issue 6's done-check: the engine with the real handlers takes a configured restaurant (Kowhai Burger Co: the
// burgerit menu with its option-sets file) through all twelve sub-steps in real Chromium against the sandbox. The
// portal then holds one account, one restaurant, the full menu, the option sets on their dishes and the tags; a
// sub-step failed by an injected fault and retried with substep.retry, and a second run of the same job's creating
// sub-steps, leave one effect each. The original's records (pumpd_*, registration_logs, onboarding_status) agree.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPortalClient, menuItemCount, parseLeadsFile, parseMenuCsv, parseOptionSetsCsv, type PortalClient } from '@regbatch/automation';
import { SUB_STEP_KEYS, type SubStepKey } from '@regbatch/machines';
import { TaskFailure, type ClaimedTask } from '@regbatch/server';
import { FIXTURES, LEADS_CSV, PERSON, describeBatch, importLeads, jobViews, log, startBatch, startEnv, waitFor, type Env } from './support';

let env: Env;
let portal: PortalClient;
beforeAll(async () => {
  env = await startEnv({ browserSlots: 3, concurrency: 8 });
  portal = createPortalClient(env.sandbox.url);
});
afterAll(async () => {
  await env?.close();
});

const LEAD = 'Kowhai Burger Co';

async function jobStatus(jobId: string): Promise<string> {
  const { rows } = await sql<{ status: string }>`select status from public.registration_jobs where id = ${jobId}`.execute(env.rt.db);
  return rows[0]!.status;
}

/** Sub-steps whose latest attempt failed. */
async function failedSubSteps(jobId: string): Promise<SubStepKey[]> {
  const { rows } = await sql<{ task: string; status: string }>`
    select distinct on (task) task, status from public.registration_tasks
     where job_id = ${jobId} and kind = any(${[...SUB_STEP_KEYS]}::text[]) order by task, attempt desc`.execute(env.rt.db);
  return rows.filter((r) => r.status === 'failed').map((r) => r.task as SubStepKey);
}

async function portalState(email: string) {
  const accounts = await portal.accounts();
  const restaurants = await portal.restaurantsOf(email);
  const id = restaurants[0]?.id ?? '';
  return {
    accounts,
    restaurants,
    menu: await portal.menu(id),
    optionSets: await portal.optionSets(id),
    itemTags: await portal.itemTags(id),
    onboardingUsers: await portal.onboardingUsers(),
    duplicates: await portal.duplicates(),
  };
}

async function count(table: string, restaurantId: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(`public.${table}`)} where restaurant_id = ${restaurantId}`.execute(env.rt.db);
  return Number(rows[0]!.n);
}

describe('step 6 with the real handlers, real Chromium and the sandbox', () => {
  it('takes a configured restaurant through all twelve sub-steps, and re-running them leaves one effect each', async () => {
    const started = Date.now();
    const lead = parseLeadsFile(LEADS_CSV).leads.find((l) => l.name === LEAD)!;
    const menuFile = join(FIXTURES, 'menus/burgerit_menu_05-08-2025.csv');
    const expectedItems = menuItemCount(parseMenuCsv(readFileSync(menuFile)));
    const expectedSets = parseOptionSetsCsv(readFileSync(join(FIXTURES, 'option-sets/burgerit_menu_05-08-2025.option-sets.csv')));
    const ids = await importLeads(env);
    const restaurantId = ids.get(LEAD)!;

    // The onboarding database answers its first call with a 500 and the job allows no automatic retry, so
    // syncOnboardingUser fails (off the critical path: nothing waits on it) until a person retries it.
    await portal.setFault('onboarding.api', { errorRate: 1, errorStatus: 500, times: 1 });
    const { batchId, jobIds } = await startBatch(env, [restaurantId], { select: 'confident', config: 'defaults' }, { maxRetries: 0 });
    const jobId = jobIds[0]!;
    let state = '';
    const settled = () =>
      waitFor(
        async () => {
          state = await describeBatch(env, batchId);
          const v = (await jobViews(env, batchId))[0]!;
          // A step-3 choice the rule could not make is made by a person (the fixture company).
          if (v.steps[3]?.status === 'action_required') await env.rt.engine.applyEvent({ type: 'job', id: jobId }, { type: 'company.selected', companyNumber: '1001733' }, PERSON);
          const s = await jobStatus(jobId);
          return s === 'completed' || s === 'failed' ? s : undefined;
        },
        Number(process.env['IT_WAIT_MS'] ?? 200_000),
        () => `the job to settle:\n${state}`,
        500,
      );

    let status = await settled();
    const retried: SubStepKey[] = [];
    for (let round = 0; status === 'failed' && round < 3; round++) {
      const failed = await failedSubSteps(jobId);
      expect(failed.length, `a failed job names its failed sub-steps:\n${state}`).toBeGreaterThan(0);
      for (const key of failed) {
        retried.push(key);
        await env.rt.engine.applyEventOrThrow({ type: 'job', id: jobId }, { type: 'substep.retry', key }, PERSON);
      }
      status = await settled();
    }
    expect(status, state).toBe('completed');
    expect(retried).toContain('syncOnboardingUser');
    const firstRunMs = Date.now() - started;

    const email = lead.email!.toLowerCase();
    const check = async () => {
      const p = await portalState(email);
      expect(p.accounts.map((a) => a.email.toLowerCase())).toEqual([email]);
      expect(p.restaurants).toHaveLength(1);
      expect(p.restaurants[0]).toMatchObject({ name: LEAD, currency: 'NZD', timezone: 'Pacific/Auckland' });
      // The full menu: as many dishes as the exported CSV (= the fixture menu), imported once.
      expect(p.menu.items).toHaveLength(expectedItems);
      expect(p.menu.imports).toHaveLength(1);
      // Every option set of the fixture file, on every dish it names.
      expect(p.optionSets.map((s) => s.name).sort()).toEqual(expectedSets.map((s) => s.name).sort());
      for (const set of expectedSets) {
        const inPortal = p.optionSets.find((s) => s.name === set.name)!;
        for (const dish of set.appliesToDishes) expect(inPortal.itemNames.map((n) => n.toLowerCase()), `${set.name} on ${dish}`).toContain(dish.toLowerCase());
      }
      // The ten preset tags, once each.
      expect(p.itemTags).toHaveLength(10);
      expect(p.onboardingUsers.map((u) => u.email.toLowerCase())).toEqual([email]);
      for (const [kind, dupes] of Object.entries(p.duplicates)) expect(dupes, `duplicate ${kind}`).toEqual([]);
      return p;
    };
    const first = await check();

    // The original's records: one account (password as a reference), one platform restaurant, every action logged.
    const { rows: accounts } = await sql<{ email: string; user_password_hint: string; registration_status: string }>`
      select email, user_password_hint, registration_status from public.pumpd_accounts where restaurant_id = ${restaurantId}`.execute(env.rt.db);
    expect(accounts).toHaveLength(1);
    expect(accounts[0]!.user_password_hint).toMatch(/^secret_ref:[0-9a-f-]{36}$/);
    expect(accounts[0]!.registration_status).toBe('completed');
    const { rows: platform } = await sql<{ pumpd_restaurant_id: string; registration_status: string; head_injection: string | null }>`
      select pumpd_restaurant_id, registration_status, head_injection from public.pumpd_restaurants where restaurant_id = ${restaurantId}`.execute(env.rt.db);
    expect(platform).toHaveLength(1);
    expect(platform[0]).toMatchObject({ pumpd_restaurant_id: first.restaurants[0]!.id, registration_status: 'completed' });
    expect(platform[0]!.head_injection).toBeTruthy();
    const { rows: logged } = await sql<{ action: string }>`
      select distinct action from public.registration_logs where restaurant_id = ${restaurantId} and status = 'success'`.execute(env.rt.db);
    expect(logged).toHaveLength(12);
    const { rows: r } = await sql<{ onboarding_status: string; stripe_connect_url: string | null }>`
      select onboarding_status, stripe_connect_url from public.restaurants where id = ${restaurantId}`.execute(env.rt.db);
    expect(r[0]!.onboarding_status).toBe('configured');

    // Step 6 of the same job again: the sub-steps that create something, each through its handler with its stored
    // input and idempotency key (websiteConfig, servicesConfig and paymentConfig only overwrite settings).
    const rerunStarted = Date.now();
    const { rows: tasks } = await sql<{ id: string; kind: string; task: string; job_id: string; batch_id: string; organisation_id: string; idempotency_key: string; attempt: number; input: unknown }>`
      select distinct on (task) id, kind, task, job_id, batch_id, organisation_id, idempotency_key, attempt, input from public.registration_tasks
       where job_id = ${jobId} and status = 'succeeded' and kind = any(${[...SUB_STEP_KEYS]}::text[]) order by task, attempt desc`.execute(env.rt.db);
    expect(tasks.map((t) => t.kind).sort()).toEqual([...SUB_STEP_KEYS].sort());
    const outputs: Record<string, unknown> = {};
    const creating: SubStepKey[] = ['cloudwaitressAccount', 'createOnboardingUser', 'uploadImages', 'restaurantRegistration', 'menuImport', 'syncOnboardingUser', 'optionSets', 'itemTags'];
    for (const key of creating) {
      const t = tasks.find((x) => x.kind === key)!;
      const task: ClaimedTask = { id: t.id, kind: t.kind, task: t.task, jobId: t.job_id, batchId: t.batch_id, organisationId: t.organisation_id, idempotencyKey: t.idempotency_key, attempt: t.attempt + 1, input: t.input };
      outputs[key] = await env.handlers[key]!({ task, input: await env.rt.secrets.revealDeep(t.input), signal: new AbortController().signal, idempotencyKey: t.idempotency_key, workerId: 'rerun', db: env.rt.db, log });
    }
    expect(outputs['cloudwaitressAccount']).toMatchObject({ created: false });
    expect(outputs['restaurantRegistration']).toMatchObject({ created: false, platformRestaurantId: first.restaurants[0]!.id });
    expect(outputs['menuImport']).toMatchObject({ imported: false, itemCount: expectedItems });
    expect(outputs['optionSets']).toMatchObject({ created: [] });
    expect(outputs['itemTags']).toMatchObject({ created: [] });
    expect(outputs['createOnboardingUser']).toMatchObject({ created: false });
    expect((outputs['uploadImages'] as { uploaded: { reused: boolean }[] }).uploaded.every((u) => u.reused)).toBe(true);
    const again = await check();

    // A failed attempt keeps its screenshot and trace on the task row, logged as a failed action: the portal
    // answers the next save with a 500 while servicesConfig runs again.
    await portal.setFault('portal.save', { errorRate: 1, errorStatus: 500, times: 1 });
    const svc = tasks.find((x) => x.kind === 'servicesConfig')!;
    const svcTask: ClaimedTask = { id: svc.id, kind: svc.kind, task: svc.task, jobId: svc.job_id, batchId: svc.batch_id, organisationId: svc.organisation_id, idempotencyKey: svc.idempotency_key, attempt: svc.attempt + 1, input: svc.input };
    const failedRun = await env.handlers['servicesConfig']!({ task: svcTask, input: svc.input, signal: new AbortController().signal, idempotencyKey: svc.idempotency_key, workerId: 'rerun', db: env.rt.db, log }).then(
      () => null,
      (e: unknown) => e as TaskFailure,
    );
    await portal.clearFaults();
    expect(failedRun).toBeInstanceOf(TaskFailure);
    expect(failedRun).toMatchObject({ retryable: true });
    const { rows: art } = await sql<{ artifacts: { ref: string; name: string }[] }>`select artifacts from public.registration_tasks where id = ${svc.id}`.execute(env.rt.db);
    const names = art[0]!.artifacts.map((a) => a.name);
    expect(names).toContain('servicesConfig-screenshot.png');
    expect(names.some((n) => /^servicesConfig-trace-\d+\.zip$/.test(n))).toBe(true);
    for (const a of art[0]!.artifacts) expect(existsSync(join(env.artifactsDir, a.ref))).toBe(true);
    const { rows: failedLog } = await sql<{ screenshot_paths: string[] | null }>`
      select screenshot_paths from public.registration_logs where restaurant_id = ${restaurantId} and action = 'services_configuration' and status = 'failed'`.execute(env.rt.db);
    expect(failedLog).toHaveLength(1);
    expect(failedLog[0]!.screenshot_paths?.length).toBe(art[0]!.artifacts.length);
    expect(again.restaurants[0]!.id).toBe(first.restaurants[0]!.id);
    expect(await count('pumpd_accounts', restaurantId)).toBe(1);
    expect(await count('pumpd_restaurants', restaurantId)).toBe(1);
    console.log(
      `step 6: ${LEAD} through 12 sub-steps (retried ${retried.join(', ')}) in ${(firstRunMs / 1000).toFixed(1)} s from batch start; ` +
        `second run of ${creating.length} in ${((Date.now() - rerunStarted) / 1000).toFixed(1)} s; ${expectedItems} dishes, ${expectedSets.length} option sets, 10 tags`,
    );
  }, 300_000);
});
