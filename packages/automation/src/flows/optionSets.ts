// Sub-step 11: option sets created in Menus > Option Sets and assigned to their dishes. Sets are looked up
// by name: an existing set only gets the dishes it lacks. One dialog and one save per set (the original
// took up to 60 minutes for 70 sets); the time per set is logged. Verified by listing sets with their dishes.
import { FlowError } from './errors';
import type { AccountLogin } from './context';
import { listed, resolveDishes, tickDishes } from './pages/assign';
import { apiAction, loginAdmin, openRestaurant } from './pages/portal';
import { browserFlow } from './runtime';

export interface OptionSetInput {
  name: string;
  displayName?: string | null;
  required: boolean;
  multiSelect: boolean;
  quantitySelect: boolean;
  minOptions: number | null;
  maxOptions: number | null;
  freeAmount?: number | null;
  options: { name: string; price: string; printName?: string | null; isDefault?: boolean }[];
  dishNames: string[];
}

export interface OptionSetsInput {
  account: AccountLogin;
  platformRestaurantId: string;
  optionSets: OptionSetInput[];
}

export interface OptionSetsOutput {
  created: string[];
  updated: string[];
  unchanged: string[];
  msPerSet: Record<string, number>;
}

export const optionSets = browserFlow<OptionSetsInput, OptionSetsOutput>('optionSets', async (t, input) => {
  for (const s of input.optionSets) {
    if (!s.name.trim()) throw new FlowError('missing_input', 'an option set has no name');
    if (s.options.length === 0) throw new FlowError('missing_input', `option set "${s.name}" has no options`);
  }
  await loginAdmin(t, input.account);
  await openRestaurant(t, input.platformRestaurantId, '/menus');
  const dishes = await resolveDishes(t, new Map(input.optionSets.map((s) => [s.name, s.dishNames])));
  await openRestaurant(t, input.platformRestaurantId, '/menus/option-sets');
  const page = t.page;
  const out: OptionSetsOutput = { created: [], updated: [], unchanged: [], msPerSet: {} };
  let existing = await listed(t, 'Option Sets');

  for (const set of input.optionSets) {
    const started = Date.now();
    const want = dishes.get(set.name) ?? [];
    const have = existing.get(set.name);
    if (have && want.every((d) => have.includes(d))) {
      out.unchanged.push(set.name);
      continue;
    }
    const dialog = page.getByRole('dialog');
    if (have) {
      await page.getByRole('button', { name: `Edit ${set.name}`, exact: true }).click();
      await tickDishes(dialog, want.filter((d) => !have.includes(d)));
    } else {
      await page.getByRole('button', { name: 'Create New Option Set' }).click();
      await dialog.getByLabel('Name', { exact: true }).fill(set.name);
      await dialog.getByLabel('Display Name', { exact: true }).fill(set.displayName ?? '');
      await dialog.getByRole('tab', { name: 'Conditions' }).click();
      await dialog.getByLabel('Required', { exact: true }).setChecked(set.required);
      await dialog.getByLabel('Select Multiple', { exact: true }).setChecked(set.multiSelect);
      await dialog.getByLabel('Enable Option Quantity', { exact: true }).setChecked(set.quantitySelect || (set.maxOptions ?? 1) > 1);
      await dialog.getByLabel('Min Options').fill(set.minOptions === null ? '' : String(set.minOptions));
      await dialog.getByLabel('Max Options').fill(set.maxOptions === null ? '' : String(set.maxOptions));
      await dialog.getByLabel('Free Amount').fill(set.freeAmount === null || set.freeAmount === undefined ? '' : String(set.freeAmount));
      await dialog.getByRole('tab', { name: 'Options' }).click();
      const rows = dialog.getByRole('table', { name: 'Options' }).locator('tbody tr');
      for (const [i, o] of set.options.entries()) {
        await dialog.getByRole('button', { name: 'Add Option' }).click();
        const row = rows.nth(i);
        await row.getByLabel('Option Name').fill(o.name);
        await row.getByLabel('Print Name').fill(o.printName || o.name);
        await row.getByLabel('Price').fill(Number(o.price) > 0 ? Number(o.price).toFixed(2) : '');
        if (o.isDefault) await row.getByLabel('Default').check();
      }
      await tickDishes(dialog, want);
    }
    await apiAction(t, () => dialog.getByRole('button', { name: 'Save' }).click(), '/option-sets', dialog, `save option set "${set.name}"`);
    await page.waitForLoadState('domcontentloaded');
    await dialog.waitFor({ state: 'hidden' });
    (have ? out.updated : out.created).push(set.name);
    out.msPerSet[set.name] = Date.now() - started;
    t.log.info({ optionSet: set.name, ms: out.msPerSet[set.name], dishes: want.length }, 'option set saved');
  }

  await openRestaurant(t, input.platformRestaurantId, '/menus/option-sets');
  existing = await listed(t, 'Option Sets');
  for (const set of input.optionSets) {
    const have = existing.get(set.name);
    const missing = (dishes.get(set.name) ?? []).filter((d) => !have?.includes(d));
    if (!have || missing.length) {
      throw new FlowError('verification_failed', `option set "${set.name}" ${have ? `lacks ${missing.join(', ')}` : 'is not listed'}`);
    }
  }
  return out;
});
