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

async function expectedFromSource(source: MenuSource | null): Promise<{ items: number | null; optionSets: string[] }> {
  if (!source || source.kind !== 'csv') return { items: null, optionSets: [] };
  const items = menuItemCount(parseMenuCsv(await readFile(source.menu_csv)));
  const optionSets = source.option_sets_csv ? [...new Set(parseOptionSetsCsv(await readFile(source.option_sets_csv)).map((o) => o.name))] : [];
  return { items, optionSets };
}

/** Verifies every summary row against the sandbox at `sandboxUrl`. A lead that did not complete fails. */
export async function verifyAgainstSandbox(db: Db, sandboxUrl: string, rows: readonly SummaryRow[]): Promise<Verification> {
  const portal = createPortalClient(sandboxUrl);
  const [accounts, dupes] = await Promise.all([portal.accounts(), portal.duplicates()]);
  const allDupes = Object.values(dupes).flat();
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
      const [menu, optionSets] = await Promise.all([portal.menu(r.id), portal.optionSets(r.id)]);
      items = menu.items.length;
      sets = optionSets.map((o) => o.name);
      if (expected.items !== null && items !== expected.items) problems.push(`menu has ${items} items (the lead's file has ${expected.items})`);
      const missing = expected.optionSets.filter((n) => !sets.some((s) => s.toLowerCase() === n.toLowerCase()));
      if (missing.length) problems.push(`option sets missing: ${missing.join(', ')}`);
      const unassigned = optionSets.filter((o) => o.itemIds.length === 0).map((o) => o.name);
      if (unassigned.length) problems.push(`option sets on no item: ${unassigned.join(', ')}`);
      const keys = [r.id.toLowerCase(), r.accountId.toLowerCase(), email ?? ''];
      duplicates = allDupes.filter((d) => keys.some((k) => k && d.key.toLowerCase().includes(k))).length;
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
