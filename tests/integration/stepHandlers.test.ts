// Steps 1-4 handlers (automation's createStepHandlers) against a real, migrated PostgreSQL cloned by the server's
// test harness (embedded, or TEST_DATABASE_URL), the sandbox over HTTP and real Chromium for a store-page source.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBrowserPool,
  createRegistryClient,
  createSandboxServer,
  createStepHandlers,
  findChromium,
  parseLeadsFile,
  sandboxRegistrySettings,
  type AnyDb,
  type BrowserPool,
  type ParsedLead,
  type SandboxServer,
  type StepTaskContext,
} from '@regbatch/automation';
import { createTestDatabase, type TestDatabase } from '@regbatch/server/testing';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = resolve(here, '../../../shared/fixtures');

interface TypedFailure extends Error {
  code: string;
  retryable: boolean;
  retryAfterMs?: number;
}

let sb: SandboxServer;
let pool: BrowserPool;
let db: AnyDb;
let tdb: TestDatabase;
let tmp: string;
const orgId = randomUUID();
const ids = new Map<string, string>();

const handlers = () =>
  createStepHandlers({
    registry: () => createRegistryClient({ ...sandboxRegistrySettings(sb.url), timeoutMs: 3000 }),
    browserPool: pool,
    storeUrl: (u) => sb.storeUrl(u),
    fail: (code, message, retryable, retryAfterMs) => Object.assign(new Error(message), { code, retryable, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) }),
  });

function ctx(input: Record<string, unknown>, key = randomUUID()): StepTaskContext {
  return { input: { organisationId: orgId, ...input }, signal: new AbortController().signal, idempotencyKey: key, db, task: { organisationId: orgId, attempt: 1 } };
}

async function failure(p: Promise<unknown>): Promise<TypedFailure> {
  try {
    await p;
  } catch (err) {
    return err as TypedFailure;
  }
  throw new Error('expected the handler to fail');
}

async function insertLead(lead: ParsedLead, menuSource: unknown): Promise<string> {
  const id = randomUUID();
  await sql`insert into public.restaurants (id, organisation_id, name, address, city, phone, email, ubereats_url, primary_color, secondary_color, menu_source)
            values (${id}, ${orgId}, ${lead.name}, ${lead.address}, ${lead.city}, ${lead.phone}, ${lead.email}, ${lead.ubereats_url},
                    ${lead.primary_color}, ${lead.secondary_color}, ${menuSource === null ? null : JSON.stringify(menuSource)}::jsonb)`.execute(db);
  return id;
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = tdb.db;
  await sql`insert into public.organisations (id, name) values (${orgId}, 'Automation handlers test')`.execute(db);

  sb = await createSandboxServer();
  const chromium = findChromium(process.env['CHROMIUM_PATH'] ?? null);
  if (!chromium) throw new Error('no Chromium: run scripts/ensure-browser.mjs or set CHROMIUM_PATH');
  pool = createBrowserPool({ executablePath: chromium, allowedHosts: [new URL(sb.url).host], maxContexts: 1, log: { info: () => undefined, warn: () => undefined } });

  tmp = mkdtempSync(join(tmpdir(), 'regbatch-steps-'));
  const leads = parseLeadsFile(join(fixtures, 'leads.csv')).leads;
  const byName = (n: string) => leads.find((l) => l.name === n) as ParsedLead;
  ids.set('kowhai', await insertLead(byName('Kowhai Burger Co'), byName('Kowhai Burger Co').menu_source));
  // Gone Burger's menu comes from its store page, read in Chromium; its colours are left for the page to fill.
  const gone = { ...byName('Gone Burger'), primary_color: null, secondary_color: null };
  ids.set('gone', await insertLead(gone, { kind: 'store_page', url: gone.ubereats_url }));
  ids.set('smokey', await insertLead(byName("Smokey T's BBQ"), byName("Smokey T's BBQ").menu_source));
  writeFileSync(join(tmp, 'bad.csv'), 'categoryName,dishName,dishPrice\nMains,Pie,5.00\nMains,Banquet,"1.234,50"\n');
  ids.set('bad', await insertLead(byName('Noi Thai Kitchen'), { kind: 'csv', menu_csv: join(tmp, 'bad.csv'), option_sets_csv: null }));
}, 120_000);

afterAll(async () => {
  await pool?.close();
  await sb?.close();
  await tdb?.drop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const count = async (q: ReturnType<typeof sql<{ n: number }>>) => (await q.execute(db)).rows[0]?.n;

describe('extraction.run', () => {
  it('stores a CSV menu with its option sets in one go, and adopts the completed extraction next time', async () => {
    const h = handlers();
    const restaurantId = ids.get('kowhai') as string;
    const out = (await h['extraction.run'](ctx({ restaurantId }))) as { menuId: string; itemCount: number; optionSetCount: number; adopted: boolean };
    expect(out).toMatchObject({ itemCount: 14, categoryCount: 4, optionSetCount: 4, source: 'csv', adopted: false });
    expect(await count(sql<{ n: number }>`select count(*)::int as n from public.menu_items where menu_id = ${out.menuId}`)).toBe(14);
    expect(await count(sql<{ n: number }>`select count(*)::int as n from public.menu_item_option_sets l join public.menu_items i on i.id = l.menu_item_id where i.menu_id = ${out.menuId}`)).toBe(19);
    expect(await count(sql<{ n: number }>`select count(*)::int as n from public.option_set_items s join public.option_sets o on o.id = s.option_set_id where o.organisation_id = ${orgId}`)).toBe(13);
    expect(await count(sql<{ n: number }>`select count(*)::int as n from public.extraction_jobs where restaurant_id = ${restaurantId} and status = 'completed'`)).toBe(1);

    const again = (await h['extraction.run'](ctx({ restaurantId }))) as { menuId: string; adopted: boolean };
    expect(again).toMatchObject({ menuId: out.menuId, adopted: true, itemCount: 14 });
    expect(await count(sql<{ n: number }>`select count(*)::int as n from public.menus where restaurant_id = ${restaurantId}`)).toBe(1);
  }, 60_000);

  it('reads a store-page source in Chromium and fills the branding the restaurant lacks', async () => {
    const restaurantId = ids.get('gone') as string;
    const out = await handlers()['extraction.run'](ctx({ restaurantId }));
    expect(out).toMatchObject({ itemCount: 30, source: 'store_page' });
    const r = (await sql<{ logo_url: string; primary_color: string; secondary_color: string }>`
      select logo_url, primary_color, secondary_color from public.restaurants where id = ${restaurantId}`.execute(db)).rows[0];
    expect(r).toMatchObject({ primary_color: '#000000', secondary_color: '#ffffff' });
    expect(r?.logo_url).toContain('/_sandbox/logo/sample004.svg');
  }, 60_000);

  it('a menu with an ambiguous price fails without retry, naming the row, and marks its extraction failed', async () => {
    const restaurantId = ids.get('bad') as string;
    const err = await failure(handlers()['extraction.run'](ctx({ restaurantId })));
    expect(err).toMatchObject({ code: 'MENU_INVALID', retryable: false });
    expect(err.message).toContain('row 2');
    expect(await count(sql<{ n: number }>`select count(*)::int as n from public.extraction_jobs where restaurant_id = ${restaurantId} and status = 'failed'`)).toBe(1);
    expect(await count(sql<{ n: number }>`select count(*)::int as n from public.menus where restaurant_id = ${restaurantId}`)).toBe(0);
  });
});

describe('registry searches and company details', () => {
  it('searches by name and address, then writes the selected company’s contacts to the restaurant idempotently', async () => {
    const h = handlers();
    const restaurantId = ids.get('smokey') as string;
    const byName = (await h['registry.searchByName'](ctx({ restaurantId, query: "Smokey T's BBQ" }))) as { company_number: string }[];
    expect(byName[0]?.company_number).toBe('1027728');
    const byAddress = (await h['registry.searchByAddress'](ctx({ restaurantId, street: '12 Devonport Road', city: 'Tauranga' }))) as { company_number: string }[];
    expect(byAddress.map((c) => c.company_number)).toEqual(['1027728']);
    expect(await h['registry.searchByAddress'](ctx({ restaurantId, street: '', city: 'Tauranga' }))).toEqual([]);

    const input = { restaurantId, companyNumber: '1027728', candidate: { nzbn: '9429040005928', company_number: '1027728' } };
    const details = (await h['company.details'](ctx(input))) as { directors: { status: string }[] };
    expect(details.directors.map((d) => d.status)).toEqual(['Current', 'Ceased']);
    const read = async () =>
      (await sql<Record<string, unknown>>`select company_name, company_number, nzbn, gst_number, contact_name, full_legal_name, contact_email, contact_phone
                                           from public.restaurants where id = ${restaurantId}`.execute(db)).rows[0];
    const first = await read();
    expect(first).toEqual({
      company_name: "SMOKEY T'S BBQ LIMITED",
      company_number: '1027728',
      nzbn: '9429040005928',
      gst_number: '101-267-040',
      contact_name: 'Losa Kaur',
      full_legal_name: 'Losa Wiremu Kaur',
      contact_email: 'accounts@smokeytsbbqlimited.example.nz',
      contact_phone: '+6495551016',
    });
    await h['company.details'](ctx(input));
    expect(await read()).toEqual(first);
  });

  it('proposes the password of the account an earlier job created for the restaurant, else a newly sealed one', async () => {
    const h = handlers();
    const restaurantId = ids.get('kowhai') as string;
    const sealed: string[] = [];
    const sealing = (input: Record<string, unknown>) => ({
      ...ctx(input),
      sealSecret: (plaintext: string) => (sealed.push(plaintext), Promise.resolve({ secret_ref: randomUUID() })),
    });
    const input = { restaurantId, companyNumber: '1001733', candidate: { company_number: '1001733' } };
    const first = (await h['company.details'](sealing(input))) as { account_password_ref?: { secret_ref: string } };
    expect(sealed).toHaveLength(1);
    expect(first.account_password_ref?.secret_ref).toMatch(/^[0-9a-f-]{36}$/);

    const accountRef = randomUUID();
    await sql`insert into public.pumpd_accounts (organisation_id, restaurant_id, email, user_password_hint, registration_status)
      values (${orgId}, ${restaurantId}, 'kowhai@example.nz', ${`secret_ref:${accountRef}`}, 'registered')`.execute(db);
    const again = (await h['company.details'](sealing(input))) as { account_password_ref?: { secret_ref: string } };
    expect(again.account_password_ref).toEqual({ secret_ref: accountRef });
    expect(sealed).toHaveLength(1);
  });

  it('a manual entry goes through the same handler; register failures come back typed', async () => {
    const h = handlers();
    const restaurantId = ids.get('bad') as string;
    await h['company.details'](ctx({ restaurantId, manualEntry: { contact_name: 'Ana Lee', contact_email: 'ana@example.nz', company_name: 'ANA LEE LIMITED', company_number: '42' } }));
    const r = (await sql<Record<string, unknown>>`select contact_name, contact_email, company_number from public.restaurants where id = ${restaurantId}`.execute(db)).rows[0];
    expect(r).toEqual({ contact_name: 'Ana Lee', contact_email: 'ana@example.nz', company_number: '42' });

    sb.faults.set('nzbn.search', { rateLimit: { retryAfterSeconds: 3 }, times: 1 });
    expect(await failure(h['registry.searchByName'](ctx({ restaurantId, query: 'Noi Thai' })))).toMatchObject({ code: 'REGISTRY_RATE_LIMITED', retryable: true, retryAfterMs: 3000 });
    sb.faults.set('register.search', { errorRate: 1, errorStatus: 500, times: 1 });
    expect(await failure(h['registry.searchByAddress'](ctx({ restaurantId, street: '45 Riccarton Road', city: 'Christchurch' })))).toMatchObject({ code: 'REGISTRY_UNAVAILABLE', retryable: true });
  });
});
