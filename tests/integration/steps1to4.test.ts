// Issue 5's done-check: the engine, with the real step 1-4 handlers and the sandbox, takes every fixture lead through
// steps 1-4. Each ends with step 3 applied — a confident match selected by the rule, or a person's choice sent as an
// event — and step 5 waiting with defaults derived from the lead and its company.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailSchema, hexColourSchema, nzPhoneSchema } from '@regbatch/machines';
import { parseLeadsFile } from '@regbatch/automation';
import { EXPECTED_MATCHES, LEADS_CSV, PERSON, describeBatch, failedTasks, importLeads, jobViews, startBatch, startEnv, waitFor, type Env, type JobView } from './support';

let env: Env;
beforeAll(async () => {
  env = await startEnv({ browserSlots: 2, concurrency: 8 });
});
afterAll(async () => {
  await env?.close();
});

/** Waiting for a person: step 3's choice among candidates, or step 2 when the searches found none at all. */
const parkedForPerson = (j: JobView) => j.steps[3]?.status === 'action_required' || j.steps[2]?.status === 'action_required';
const waitingAtStep5 = (j: JobView) => j.steps[5]?.status === 'action_required';

describe('steps 1-4 with the real handlers and the sandbox', () => {
  it('takes every fixture lead to step 5 waiting, with step 3 applied by the confident rule or by a person', async () => {
    const started = Date.now();
    const leads = parseLeadsFile(LEADS_CSV).leads;
    const ids = await importLeads(env);
    expect(ids.size).toBe(leads.length);
    const { batchId, jobIds } = await startBatch(env, [...ids.values()], { select: 'confident', config: 'never' });
    expect(jobIds).toHaveLength(leads.length);

    // Every job either parks at step 3 (no confident candidate) or runs on to step 5.
    let lastState = '';
    const track = async () => (lastState = await describeBatch(env, batchId));
    let views = await waitFor(
      async () => {
        const v = await jobViews(env, batchId);
        await track();
        if (v.some((j) => j.status === 'failed')) throw new Error(`a job failed: ${(await failedTasks(env, batchId)).join('\n')}`);
        return v.every((j) => parkedForPerson(j) || waitingAtStep5(j)) ? v : undefined;
      },
      Number(process.env['IT_WAIT_MS'] ?? 150_000),
      () => `every job to park for a person (step 2 or 3) or at step 5:\n${lastState}`,
    );
    const byPerson = views.filter(parkedForPerson);
    const byRule = views.filter(waitingAtStep5);
    expect(byRule.length).toBeGreaterThanOrEqual(20);

    // A person's choice for the others: the expected company, or "no match" where the register has none.
    for (const j of byPerson) {
      const expected = EXPECTED_MATCHES[j.name];
      const event = expected ? { type: 'company.selected', companyNumber: expected } : { type: 'company.noMatch' };
      await env.rt.engine.applyEventOrThrow({ type: 'job', id: j.id }, event, PERSON);
    }
    views = await waitFor(
      async () => {
        const v = await jobViews(env, batchId);
        return v.every(waitingAtStep5) ? v : undefined;
      },
      60_000,
      () => 'every job to wait at step 5',
    );

    for (const j of views) {
      const lead = leads.find((l) => l.name === j.name)!;
      const expected = EXPECTED_MATCHES[j.name] ?? null;
      expect(j.steps[1]?.status, `${j.name} step 1`).toBe('completed');
      expect(['completed', 'skipped'], `${j.name} step 2`).toContain(j.steps[2]?.status);
      expect(['completed', 'skipped'], `${j.name} step 3`).toContain(j.steps[3]?.status);
      expect(['completed', 'skipped'], `${j.name} step 4`).toContain(j.steps[4]?.status);
      // A confident selection is the right company; a person's choice is recorded as given.
      expect(j.search?.selected ?? null, `${j.name} selected company`).toBe(expected);

      const proposed = j.steps[5]?.result['proposed_config'] as {
        email: string | null;
        phone: string | null;
        settings: { primary_color: string; secondary_color: string };
        restaurant: { name: string; subdomain: string | null };
      };
      expect(proposed, `${j.name} proposed config`).toBeTruthy();
      if (lead.email) expect(proposed.email, `${j.name} email`).toBe(emailSchema.parse(lead.email));
      if (lead.phone) expect(proposed.phone, `${j.name} phone`).toBe(nzPhoneSchema.parse(lead.phone));
      expect(proposed.phone ?? '', `${j.name} phone E.164`).toMatch(/^(\+64\d{7,10})?$/);
      if (lead.primary_color) expect(proposed.settings.primary_color, `${j.name} primary colour`).toBe(hexColourSchema.parse(lead.primary_color));
      if (lead.secondary_color) expect(proposed.settings.secondary_color, `${j.name} secondary colour`).toBe(hexColourSchema.parse(lead.secondary_color));
      expect(proposed.restaurant.subdomain ?? '', `${j.name} subdomain`).toMatch(/^[a-z0-9-]{4,63}$/);
    }

    // A few values spelled out, so a change in the shared schemas shows here too.
    const kowhai = views.find((j) => j.name === 'Kowhai Burger Co')!.steps[5]!.result['proposed_config'] as Record<string, unknown>;
    expect(kowhai).toMatchObject({ email: 'owner@kowhaiburger.example.nz', phone: '+64215550101', settings: expect.objectContaining({ primary_color: '#3f92ff', secondary_color: '#223851' }) });
    const curry = views.find((j) => j.name === 'Harbour Curry Garden')!.steps[5]!.result['proposed_config'] as Record<string, unknown>;
    expect(curry).toMatchObject({ email: 'bookings@harbourcurry.example.nz', phone: '+6495550102' });

    // Step 1 stored a menu for every lead (CSV or store page read in Chromium).
    const { rows } = await env.rt.db
      .selectFrom('menus')
      .select(({ fn }) => ['restaurant_id', fn.countAll<string>().as('n')])
      .where('restaurant_id', 'in', [...ids.values()])
      .groupBy('restaurant_id')
      .execute()
      .then((r) => ({ rows: r }));
    expect(rows).toHaveLength(leads.length);
    console.log(`steps 1-4: ${leads.length} leads, ${byRule.length} selected by the confident rule, ${byPerson.length} by a person, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 200_000);
});
