// The demo's verification, per lead, from the sandbox portal's inspection API (not from our own tables): one
// account for the lead's login e-mail, one restaurant on it, the full menu of the lead's menu file, every option set
// of its option-sets file, and no duplicate of anything belonging to it.
import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { createPortalClient, menuItemCount, parseMenuCsv, parseOptionSetsCsv, type MenuSource } from '@regbatch/automation';
import type { Db } from '../db/index';
import type { SummaryRow } from './summary';
import { table } from './summary';

export interface LeadVerification {
  readonly restaurant: string;
  readonly email: string | null;
  readonly accounts: number;
  readonly restaurants: number;
  readonly menuItems: { readonly expected: number | null; readonly found: number };
  readonly optionSets: { readonly expected: readonly string[]; readonly found: readonly string[] };
  readonly duplicates: number;
  readonly problems: readonly string[];
  readonly ok: boolean;
}

export interface Verification {
  readonly leads: readonly LeadVerification[];
  readonly ok: boolean;
  /** Duplicates anywhere in the sandbox, whoever they belong to. */
  readonly duplicatesTotal: number;
}

interface Expected {
  items: number | null;
  optionSets: string[];
  /** "menu/category/dish" (lower case) → how often the lead's own file lists it: a repeat there is not ours. */
  repeats: Map<string, number>;
}

async function expectedFromSource(source: MenuSource | null): Promise<Expected> {
  if (!source || source.kind !== 'csv') return { items: null, optionSets: [], repeats: new Map() };
  const menu = parseMenuCsv(await readFile(source.menu_csv));
  const repeats = new Map<string, number>();
  for (const c of menu.categories) {
    for (const i of c.items) {
      const key = `${menu.name}/${c.name}/${i.name}`.toLowerCase();
      repeats.set(key, (repeats.get(key) ?? 0) + 1);
    }
  }
  const optionSets = source.option_sets_csv ? [...new Set(parseOptionSetsCsv(await readFile(source.option_sets_csv)).map((o) => o.name))] : [];
  return { items: menuItemCount(menu), optionSets, repeats };
}

/** A menu-item "duplicate" the sandbox reports (`<restaurant>/<menu>/<category>/<dish>`) that the lead's file itself has as often. */
function fromSource(d: { key: string; count: number }, restaurantId: string, expected: Expected): boolean {
  const prefix = `${restaurantId.toLowerCase()}/`;
  return d.key.startsWith(prefix) && (expected.repeats.get(d.key.slice(prefix.length)) ?? 0) >= d.count;
}

/** Verifies every summary row against the sandbox at `sandboxUrl`. A lead that did not complete fails. */
export async function verifyAgainstSandbox(db: Db, sandboxUrl: string, rows: readonly SummaryRow[]): Promise<Verification> {
  const portal = createPortalClient(sandboxUrl);
  const [accounts, dupes] = await Promise.all([portal.accounts(), portal.duplicates()]);
  // Menu items the lead's own file lists twice (two "Baklava" in one category, at two prices) come back twice by
  // design; they are taken out once the lead's file is read below.
  let allDupes = Object.entries(dupes).flatMap(([kind, list]) => (list as { key: string; count: number }[]).map((d) => ({ kind, key: d.key.toLowerCase(), count: d.count })));
  const { rows: sources } = await sql<{ id: string; menu_source: MenuSource | null }>`
    select id, menu_source from restaurants where id = any(${rows.map((r) => r.restaurantId)}::uuid[])`.execute(db);
  const sourceOf = new Map(sources.map((s) => [s.id, typeof s.menu_source === 'string' ? (JSON.parse(s.menu_source) as MenuSource) : s.menu_source]));

  const leads: LeadVerification[] = [];
  for (const row of rows) {
    const problems: string[] = [];
    const expected = await expectedFromSource(sourceOf.get(row.restaurantId) ?? null);
    const email = row.loginEmail?.toLowerCase() ?? null;
    if (row.outcome !== 'completed') problems.push(`outcome ${row.outcome}${row.error ? ` (${row.error})` : ''}`);
    const mine = email ? accounts.filter((a) => a.email.toLowerCase() === email) : [];
    const restaurants = email && mine.length ? await portal.restaurantsOf(email) : [];
    let items = 0;
    let sets: string[] = [];
    let duplicates = 0;
    if (!email) problems.push('no login e-mail recorded');
    else if (mine.length !== 1) problems.push(`${mine.length} accounts for ${email} (expected 1)`);
    if (email && restaurants.length !== 1) problems.push(`${restaurants.length} restaurants on the account (expected 1)`);
    const r = restaurants[0];
    if (r) {
      allDupes = allDupes.filter((d) => !(d.kind === 'menuItems' && fromSource(d, r.id, expected)));
      const [menu, optionSets] = await Promise.all([portal.menu(r.id), portal.optionSets(r.id)]);
      items = menu.items.length;
      sets = optionSets.map((o) => o.name);
      if (expected.items !== null && items !== expected.items) problems.push(`menu has ${items} items (the lead's file has ${expected.items})`);
      const missing = expected.optionSets.filter((n) => !sets.some((s) => s.toLowerCase() === n.toLowerCase()));
      if (missing.length) problems.push(`option sets missing: ${missing.join(', ')}`);
      const unassigned = optionSets.filter((o) => o.itemIds.length === 0).map((o) => o.name);
      if (unassigned.length) problems.push(`option sets on no item: ${unassigned.join(', ')}`);
      const keys = [r.id.toLowerCase(), r.accountId.toLowerCase(), email ?? ''];
      duplicates = allDupes.filter((d) => keys.some((k) => k && d.key.includes(k))).length;
      if (duplicates) problems.push(`${duplicates} duplicate(s)`);
    }
    leads.push({
      restaurant: row.restaurant,
      email,
      accounts: mine.length,
      restaurants: restaurants.length,
      menuItems: { expected: expected.items, found: items },
      optionSets: { expected: expected.optionSets, found: sets },
      duplicates,
      problems,
      ok: problems.length === 0,
    });
  }
  return { leads, ok: leads.every((l) => l.ok) && allDupes.length === 0, duplicatesTotal: allDupes.length };
}

export function renderVerification(v: Verification): string {
  const body = table(
    ['restaurant', 'accounts', 'restaurants', 'menu items', 'option sets', 'duplicates', 'verdict'],
    v.leads.map((l) => [
      l.restaurant,
      String(l.accounts),
      String(l.restaurants),
      l.menuItems.expected === null ? String(l.menuItems.found) : `${l.menuItems.found}/${l.menuItems.expected}`,
      `${l.optionSets.found.length}/${l.optionSets.expected.length}`,
      String(l.duplicates),
      l.ok ? 'ok' : l.problems.join('; '),
    ]),
    70,
  );
  const passed = v.leads.filter((l) => l.ok).length;
  return `${body}\n${passed}/${v.leads.length} lead(s) verified; ${v.duplicatesTotal} duplicate(s) in the whole sandbox — ${v.ok ? 'VERIFIED' : 'VERIFICATION FAILED'}`;
}
