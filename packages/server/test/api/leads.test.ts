// Leads import through the authenticated upload route (multipart: the CSV and the menu files it names): a file
// with a BOM, CRLF line ends, a quoted comma, a macron, an IDN email, a split-shift opening-hours cell and one bad
// row imports the good rows and reports exactly the bad one by line; a re-import updates instead of duplicating.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { ORG_A, SEED_USERS, apiHarness, rejects, type ApiHarness } from './helpers';

let h: ApiHarness;

beforeAll(async () => {
  h = await apiHarness();
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const HEADER = 'name,address,city,phone,email,website_url,ubereats_url,cuisine,opening_hours,primary_color,secondary_color,menu_csv,option_sets_csv';
const ROWS = [
  'Kōwhai Café,"12 Great North Road, Grey Lynn",Auckland,021 555 0101,Owner@Pōneke.nz,https://kowhai.example.nz,,cafe,"Mon-Fri 11:00-14:00, 17:00-22:00; Sat 17:00-02:00",#3f92ff,#223851,menus/kowhai.csv,',
  'Broken Bistro,"1 Queen Street, Auckland Central",Auckland,021 555 0199,not-an-email,,,bistro,Mon-Sun 11:00-21:00,#000000,#ffffff,,',
  'Harbour Curry Garden,"88 Jervois Road, Herne Bay",Auckland,+64 9 555 0102,bookings@harbourcurry.example.nz,,https://www.ubereats.com/nz/store/harbour-curry-garden/sample002,indian,Tue-Sun 16:30-22:00,#B22222,#FFD700,,',
];
const CSV = `\uFEFF${[HEADER, ...ROWS].join('\r\n')}\r\n`;
const MENU = 'Category,Item,Price\r\nCoffee,Flat white,5.50\r\n';

function form(extra: Record<string, string> = {}): FormData {
  const body = new FormData();
  body.append('leads', new Blob([CSV], { type: 'text/csv' }), 'leads.csv');
  body.append('menus/kowhai.csv', new Blob([MENU], { type: 'text/csv' }), 'kowhai.csv');
  for (const [k, v] of Object.entries(extra)) body.append(k, v);
  return body;
}

async function upload(token: string | null, body: FormData) {
  const res = await fetch(`${h.url}/api/leads/import`, { method: 'POST', body, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('POST /api/leads/import', () => {
  it('is 401 without a token', async () => {
    expect((await upload(null, form())).status).toBe(401);
  });

  it('imports the good rows and reports exactly the bad row by line, keeping every awkward value intact', async () => {
    const token = await h.token(SEED_USERS.userA);
    const dry = await upload(token, form({ dryRun: 'true' }));
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ imported: 0, valid: 2 });

    const { status, body } = await upload(token, form());
    expect(status).toBe(200);
    expect(body.errors).toEqual([{ line: 3, field: 'email', value: 'not-an-email', message: expect.stringContaining('not-an-email') }]);
    expect(body).toMatchObject({ imported: 2, updated: 0, duplicates: [] });

    const { rows } = await sql<{ name: string; address: string; email: string; opening_hours: { day: string; open: string; close: string }[]; menu_source: { kind: string; menu_csv?: string; url?: string } | null; organisation_id: string; phone: string }>`
      select name, address, email, opening_hours, menu_source, organisation_id, phone from restaurants where id = any(${body.restaurantIds as string[]}::uuid[]) order by name desc`.execute(h.db);
    expect(rows.map((r) => r.name)).toEqual(['Kōwhai Café', 'Harbour Curry Garden']);
    const kowhai = rows[0]!;
    expect(kowhai).toMatchObject({ address: '12 Great North Road, Grey Lynn', email: 'owner@xn--pneke-g9a.nz', phone: '+64215550101', organisation_id: ORG_A });
    expect(kowhai.opening_hours.filter((e) => e.day === 'Monday')).toHaveLength(2);
    expect(kowhai.opening_hours.some((e) => e.day === 'Saturday')).toBe(true);
    expect(kowhai.menu_source?.kind).toBe('csv');
    // The menu was copied into the project's storage (the upload folder is scratch and is gone).
    expect(existsSync(kowhai.menu_source!.menu_csv!)).toBe(true);
    expect(readFileSync(kowhai.menu_source!.menu_csv!, 'utf8')).toBe(MENU);
    expect(rows[1]!.menu_source).toEqual({ kind: 'store_page', url: 'https://www.ubereats.com/nz/store/harbour-curry-garden/sample002' });

    // Visible to organisation A only.
    const a = await h.client(token).restaurants.list.query({ search: 'Kōwhai' });
    expect(a.items.map((r) => r.name)).toEqual(['Kōwhai Café']);
    const b = await h.client(await h.token(SEED_USERS.userB)).restaurants.list.query({ search: 'Kōwhai' });
    expect(b.items).toEqual([]);

    // Importing the same file again updates; nothing is duplicated.
    const again = await upload(token, form());
    expect(again.body).toMatchObject({ imported: 0, updated: 2 });
    const { rows: count } = await sql<{ n: string }>`select count(*)::text as n from restaurants where name in ('Kōwhai Café', 'Harbour Curry Garden')`.execute(h.db);
    expect(count[0]!.n).toBe('2');
  });

  it('refuses a path outside the upload folder', async () => {
    const body = new FormData();
    body.append('leads', new Blob([CSV], { type: 'text/csv' }), 'leads.csv');
    body.append('../escape.csv', new Blob([MENU], { type: 'text/csv' }), 'escape.csv');
    const res = await upload(await h.token(SEED_USERS.userA), body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'BAD_REQUEST', fieldErrors: { '../escape.csv': ['bad file path'] } } });
  });
});

describe('leads.import (a path on the server, for the CLI)', () => {
  it('reports a missing file as a field error naming the path', async () => {
    const client = h.client(await h.token(SEED_USERS.userA));
    const err = await rejects(client.leads.import.mutate({ path: '/nonexistent/leads.csv' }));
    expect(err).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { path: [expect.stringContaining('/nonexistent/leads.csv')] } });
  });
});
