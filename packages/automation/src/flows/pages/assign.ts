// Shared by optionSets and itemTags: read what the portal lists (name → assigned dish names), check that
// every dish named exists on the imported menu, and tick dishes in an editor's "Add / Remove From Items" tab.
import type { Locator } from 'playwright-core';
import { FlowError } from '../errors';
import type { FlowTools } from '../runtime';
import { listedItems, tableRows, tickItem } from './portal';

export async function listed(t: FlowTools, table: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const cells of await tableRows(t.page, table)) {
    const name = cells[0] ?? '';
    if (out.has(name)) continue;
    out.set(name, await listedItems(t.page, name));
  }
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
