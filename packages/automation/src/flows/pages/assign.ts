// Shared by optionSets and itemTags: read what the portal lists (name → assigned dish names), check that
// every dish named exists on the imported menu, and tick dishes in an editor's "Add / Remove From Items" tab.
import type { Locator } from 'playwright-core';
import { FlowError } from '../errors';
import type { FlowTools } from '../runtime';
import { tableRows, tickItem } from './portal';

export async function listed(t: FlowTools, table: string): Promise<Map<string, string[]>> {
  const grid = t.page.getByRole('table', { name: table, exact: true });
  const out = new Map<string, string[]>();
  if (!(await grid.count())) return out;
  // One read of the whole table: first cell = name, the row's list = its dishes.
  type Row = { cells: ArrayLike<{ textContent: string | null }>; querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> };
  const rows = await grid.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => {
      const r = tr as unknown as Row;
      return { name: (r.cells[0]?.textContent ?? '').trim(), items: Array.from(r.querySelectorAll('li'), (li) => (li.textContent ?? '').trim()) };
    }),
  );
  for (const r of rows) if (!out.has(r.name)) out.set(r.name, r.items);
  return out;
}

/** Dish names as the portal spells them; names the menu lacks are refused before anything is changed. */
export async function resolveDishes(t: FlowTools, wanted: Map<string, string[]>): Promise<Map<string, string[]>> {
  const onMenu = new Set((await tableRows(t.page, 'Dishes')).map((c) => c[2] ?? ''));
  const byLower = new Map([...onMenu].map((n) => [n.toLowerCase(), n]));
  const out = new Map<string, string[]>();
  const missing: string[] = [];
  for (const [owner, dishes] of wanted) {
    out.set(
      owner,
      dishes.flatMap((d) => {
        const hit = onMenu.has(d) ? d : byLower.get(d.toLowerCase());
        if (!hit) missing.push(`${owner}: ${d}`);
        return hit ? [hit] : [];
      }),
    );
  }
  if (missing.length) throw new FlowError('validation', `dishes not on the imported menu: ${missing.join('; ')}`);
  return out;
}

export async function tickDishes(dialog: Locator, dishes: readonly string[]): Promise<void> {
  await dialog.getByRole('tab', { name: 'Add / Remove From Items' }).click();
  await dialog.getByRole('button', { name: 'Expand All' }).click();
  for (const d of new Set(dishes)) {
    if ((await tickItem(dialog, d)) === 0) throw new FlowError('verification_failed', `dish "${d}" is not in the item tree`);
  }
}
