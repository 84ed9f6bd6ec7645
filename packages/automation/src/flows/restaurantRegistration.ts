// Sub-step 5: the restaurant on the account (Create New Restaurant). Looks first by stored platform id,
// then by exact name on this account's dashboard; creates otherwise, then reads the RES id back from the
// dashboard row carrying our subdomain and checks the restaurant page.
import { FlowError } from './errors';
import type { AccountLogin } from './context';
import { adminUrl, gotoPage, loginAdmin, openRestaurant, submit } from './pages/portal';
import { browserFlow, type FlowTools } from './runtime';

export interface HoursRow {
  day: 'Monday' | 'Tuesday' | 'Wednesday' | 'Thursday' | 'Friday' | 'Saturday' | 'Sunday';
  open: string;
  close: string;
}

export interface RestaurantRegistrationInput {
  account: AccountLogin;
  /** pumpd_restaurants.pumpd_restaurant_id when a previous attempt stored it. */
  platformRestaurantId?: string | null;
  name: string;
  subdomain?: string | null;
  address: string;
  phone: string;
  hours: HoursRow[];
}

export interface RestaurantRegistrationOutput {
  platformRestaurantId: string;
  subdomain: string;
  storeUrl: string;
  dashboardUrl: string;
  settingsUrl: string;
  menusUrl: string;
  created: boolean;
}

const DAYS: HoursRow['day'][] = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** As the original: lower-case, non-alphanumerics removed, "order-" prefix under 4 characters. */
export function subdomainFor(name: string): string {
  const s = name.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '');
  return s.length < 4 ? `order-${s}` : s.slice(0, 63);
}

/** Midnight-crossing hours become two rows (Fri 17:00-02:00 → Fri 17:00-23:59 + Sat 00:00-02:00). */
export function splitHours(rows: readonly HoursRow[]): HoursRow[] {
  const out: HoursRow[] = [];
  for (const r of rows) {
    if (r.close > r.open) out.push(r);
    else {
      out.push({ day: r.day, open: r.open, close: '23:59' });
      if (r.close !== '00:00') out.push({ day: DAYS[(DAYS.indexOf(r.day) + 1) % 7]!, open: '00:00', close: r.close });
    }
  }
  return out;
}

function output(t: FlowTools, id: string, subdomain: string, created: boolean): RestaurantRegistrationOutput {
  return {
    platformRestaurantId: id,
    subdomain,
    storeUrl: `https://${subdomain}.${t.ctx.settings.storeDomain}`,
    dashboardUrl: adminUrl(t, `/restaurant/${id}`),
    settingsUrl: adminUrl(t, `/restaurant/${id}/settings`),
    menusUrl: adminUrl(t, `/restaurant/${id}/menus`),
    created,
  };
}

/** Dashboard rows as { name, id, subdomain }. */
async function dashboard(t: FlowTools): Promise<{ name: string; id: string; subdomain: string }[]> {
  await gotoPage(t, adminUrl(t, '/'), 'dashboard');
  const list = t.page.getByRole('list', { name: 'Restaurants' });
  if (!(await list.count())) return [];
  // One read of every row: headings hold names, the row text holds "ID: RES…" and the store host.
  type Li = { innerText: string; querySelector(s: string): { textContent: string | null } | null };
  const rows = await list.getByRole('listitem').evaluateAll((items) =>
    items.map((li) => ({
      name: ((li as unknown as Li).querySelector('h4')?.textContent ?? '').trim(),
      text: (li as unknown as Li).innerText,
    })),
  );
  const host = new RegExp(`([a-z0-9-]+)\\.${t.ctx.settings.storeDomain.replace(/\./g, '\\.')}`);
  return rows.map(({ name, text }) => ({
    name,
    id: /ID:\s*(RES[0-9A-Za-z]+)/.exec(text)?.[1] ?? '',
    subdomain: host.exec(text)?.[1] ?? '',
  }));
}

export const restaurantRegistration = browserFlow<RestaurantRegistrationInput, RestaurantRegistrationOutput>(
  'restaurantRegistration',
  async (t, input) => {
    const name = input.name.trim();
    if (!name) throw new FlowError('missing_input', 'restaurant name is empty');
    if (!input.address.trim()) throw new FlowError('missing_input', 'restaurant address is empty');
    if (input.hours.length === 0) throw new FlowError('missing_input', 'opening hours are empty');
    await loginAdmin(t, input.account);
    const page = t.page;

    if (input.platformRestaurantId) {
      await openRestaurant(t, input.platformRestaurantId);
      const sub = /Subdomain\s+([a-z0-9-]+)/.exec(await page.getByRole('main').innerText())?.[1] ?? '';
      return output(t, input.platformRestaurantId, sub || input.subdomain || subdomainFor(name), false);
    }
    const same = (await dashboard(t)).filter((r) => r.name === name);
    if (same.length > 1) throw new FlowError('conflict', `the account has ${same.length} restaurants named "${name}": store the platform id to choose`);
    if (same[0]) return output(t, same[0].id, same[0].subdomain, false);

    const subdomain = input.subdomain?.trim() || subdomainFor(name);
    await page.getByRole('button', { name: 'Create New Restaurant' }).click();
    await page.waitForLoadState('domcontentloaded');
    const form = page.getByRole('form', { name: 'Create Restaurant' });
    await form.getByLabel('Restaurant Name').fill(name);
    await form.getByLabel('Subdomain').fill(subdomain);
    await form.getByLabel('Map Provider').selectOption({ label: 'Google Maps' });
    const address = form.getByRole('combobox', { name: 'Address' });
    await address.fill(input.address);
    const firstSegment = input.address.split(',')[0]!.trim();
    const options = page.getByRole('listbox', { name: 'Address suggestions' }).getByRole('option');
    await options.first().waitFor();
    const matching = options.filter({ hasText: firstSegment });
    await ((await matching.count()) ? matching.first() : options.first()).click();
    await form.getByLabel('Phone').fill(input.phone);
    const rows = splitHours(input.hours);
    for (let i = 1; i < rows.length; i++) await form.getByRole('button', { name: 'Add Time Slot' }).click();
    for (const [i, r] of rows.entries()) {
      const slot = form.getByRole('group', { name: `Time slot ${i + 1}`, exact: true });
      await slot.getByLabel('Day').selectOption({ label: r.day });
      await slot.getByLabel('Opens').fill(r.open);
      await slot.getByLabel('Closes').fill(r.close);
    }
    const s = t.ctx.settings;
    await form.getByLabel('System Locale').selectOption(s.locale);
    await form.getByLabel('Timezone').selectOption(s.timezone);
    await form.getByLabel('Currency').selectOption(s.currency);
    await form.getByLabel('Tax in Prices').check();
    await submit(t, form.getByRole('button', { name: 'Create Restaurant' }), 'create restaurant');
    const alert = page.getByRole('alert');
    if (await alert.count()) throw new FlowError('validation', `the portal refused the restaurant: ${(await alert.innerText()).trim()}`);

    const row = (await dashboard(t)).find((r) => r.subdomain === subdomain);
    if (!row?.id) throw new FlowError('verification_failed', `restaurant "${name}" (${subdomain}) is not on the dashboard after creation`);
    await openRestaurant(t, row.id);
    if ((await page.getByRole('heading', { level: 1 }).innerText()).trim() !== name) {
      throw new FlowError('verification_failed', `restaurant ${row.id} does not carry the name "${name}"`);
    }
    return output(t, row.id, subdomain, true);
  },
);
