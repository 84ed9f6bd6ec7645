// Sub-step 12: item tags (the original's ten presets) created in Menus > Item Tags and assigned to the
// dishes whose menu tags map onto them. Looked up by name; verified by listing tags with their dishes.
import { FlowError } from './errors';
import type { AccountLogin } from './context';
import { listed, resolveDishes, tickDishes } from './pages/assign';
import { apiAction, loginAdmin, openRestaurant } from './pages/portal';
import { browserFlow } from './runtime';

export const PRESET_ITEM_TAGS = [
  { name: 'Popular', colour: '#b400fa' },
  { name: 'New', colour: '#3f92ff' },
  { name: 'Deal', colour: '#4fc060' },
  { name: 'Vegan', colour: '#36AB36' },
  { name: 'Vegetarian', colour: '#32CD32' },
  { name: 'Gluten Free', colour: '#FF8C00' },
  { name: 'Dairy Free', colour: '#4682B4' },
  { name: 'Nut Free', colour: '#DEB887' },
  { name: 'Halal', colour: '#8B7355' },
  { name: 'Spicy', colour: '#FF3333' },
] as const;

// The original's variants, minus its "contains nuts" → "Nut Free" inversion.
const VARIANTS: Record<string, string> = {
  'most liked': 'popular', favourite: 'popular', favorite: 'popular', favourites: 'popular', favorites: 'popular',
  hot: 'spicy', gf: 'gluten free', 'v': 'vegetarian', 'vg': 'vegan', df: 'dairy free',
};

export interface ItemTagInput {
  name: string;
  text?: string | null;
  colour: string;
  dishNames: string[];
}

/** Preset tags with the dishes whose menu tags map onto them (case-insensitively); unused presets kept. */
export function presetTagsFor(dishes: readonly { name: string; tags: readonly string[] }[]): ItemTagInput[] {
  return PRESET_ITEM_TAGS.map((p) => ({
    name: p.name,
    colour: p.colour,
    dishNames: [
      ...new Set(
        dishes
          .filter((d) => d.tags.some((tag) => {
            const k = tag.trim().toLowerCase();
            return (VARIANTS[k] ?? k) === p.name.toLowerCase();
          }))
          .map((d) => d.name),
      ),
    ],
  }));
}

export interface ItemTagsInput {
  account: AccountLogin;
  platformRestaurantId: string;
  tags: ItemTagInput[];
}

export interface ItemTagsOutput {
  created: string[];
  updated: string[];
  unchanged: string[];
  assignedDishes: number;
}

export const itemTags = browserFlow<ItemTagsInput, ItemTagsOutput>('itemTags', async (t, input) => {
  for (const tag of input.tags) {
    if (!tag.name.trim()) throw new FlowError('missing_input', 'an item tag has no name');
    if (!/^#[0-9a-fA-F]{6}$/.test(tag.colour)) throw new FlowError('missing_input', `item tag "${tag.name}": colour "${tag.colour}" is not #rrggbb`);
  }
  await loginAdmin(t, input.account);
  await openRestaurant(t, input.platformRestaurantId, '/menus');
  const dishes = await resolveDishes(t, new Map(input.tags.map((x) => [x.name, x.dishNames])));
  await openRestaurant(t, input.platformRestaurantId, '/menus/item-tags');
  const page = t.page;
  const out: ItemTagsOutput = { created: [], updated: [], unchanged: [], assignedDishes: 0 };
  let existing = await listed(t, 'Item Tags');
  for (const tag of input.tags) {
    const want = dishes.get(tag.name) ?? [];
    const have = existing.get(tag.name);
    if (have && want.every((d) => have.includes(d))) {
      out.unchanged.push(tag.name);
      continue;
    }
    const dialog = page.getByRole('dialog');
    if (have) {
      await page.getByRole('button', { name: `Edit ${tag.name}`, exact: true }).click();
      await tickDishes(dialog, want.filter((d) => !have.includes(d)));
    } else {
      await page.getByRole('button', { name: 'Create New Item Tag' }).click();
      await dialog.getByLabel('Tag Name').fill(tag.name);
      await dialog.getByLabel('Tag Text').fill(tag.text ?? tag.name);
      await dialog.getByLabel('Colour').fill(tag.colour);
      await tickDishes(dialog, want);
    }
    await apiAction(t, () => dialog.getByRole('button', { name: 'Save' }).click(), '/item-tags', dialog, `save item tag "${tag.name}"`);
    await dialog.waitFor({ state: 'hidden' });
    (have ? out.updated : out.created).push(tag.name);
  }
  await openRestaurant(t, input.platformRestaurantId, '/menus/item-tags');
  existing = await listed(t, 'Item Tags');
  for (const tag of input.tags) {
    const have = existing.get(tag.name);
    const missing = (dishes.get(tag.name) ?? []).filter((d) => !have?.includes(d));
    if (!have || missing.length) throw new FlowError('verification_failed', `item tag "${tag.name}" ${have ? `lacks ${missing.join(', ')}` : 'is not listed'}`);
    out.assignedDishes += have.length;
  }
  return out;
});
