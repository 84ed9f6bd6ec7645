// Sub-step 7: Settings > Services as the original's setup script left them (pickup and delivery on with
// their timings and auto-statuses, dine-in and table bookings off). Toggles are set to a state, never
// clicked blindly, so a re-run does not flip them back. Verified by reading the toggles back.
import { FlowError } from './errors';
import type { AccountLogin } from './context';
import { loginAdmin, openRestaurant, saveSection } from './pages/portal';
import { browserFlow } from './runtime';

export interface ServicesConfigInput {
  account: AccountLogin;
  platformRestaurantId: string;
}

export interface ServicesConfigOutput {
  pickup: boolean;
  delivery: boolean;
  dineIn: boolean;
  tableBookings: boolean;
}

type Value = boolean | string;
const PLAN: [section: string, values: Record<string, Value>][] = [
  [
    'Pickups',
    {
      Enabled: true, 'First Order Offset (minutes)': '0', 'Last Order Offset (minutes)': '15', 'Max Days Ahead': '8',
      'Auto Confirm': true, 'Time Till Confirm (minutes)': '1', 'Auto Ready': true, 'Time Till Ready (minutes)': '15',
      'Auto Complete': true, 'Time Till Complete (minutes)': '30',
    },
  ],
  [
    'Deliveries',
    {
      Enabled: true, 'Map Picker': true, 'Force Street Number': true, 'Force Specific Street Address': true, 'Minimum Order ($)': '2',
      'First Order Offset (minutes)': '0', 'Last Order Offset (minutes)': '15', 'Max Days Ahead': '8',
      'Auto Confirm': true, 'Time Till Confirm (minutes)': '1', 'Auto Ready': true, 'Time Till Ready (minutes)': '15',
      'Auto On Route': true, 'Time Till On Route (minutes)': '10', 'Auto Complete': true, 'Time Till Complete (minutes)': '30',
      'Checkout field "Delivery Instructions"': false,
    },
  ],
  ['Dine-Ins', { Enabled: false }],
  ['Table Bookings', { Enabled: false }],
];

export const servicesConfig = browserFlow<ServicesConfigInput, ServicesConfigOutput>('servicesConfig', async (t, input) => {
  await loginAdmin(t, input.account);
  await openRestaurant(t, input.platformRestaurantId, '/settings/services');
  for (const [section, values] of PLAN) {
    const form = t.page.getByRole('form', { name: section, exact: true });
    for (const [label, v] of Object.entries(values)) {
      const field = form.getByLabel(label, { exact: true });
      if (typeof v === 'boolean') await field.setChecked(v);
      else await field.fill(v);
    }
    await saveSection(t, section);
  }
  await openRestaurant(t, input.platformRestaurantId, '/settings/services');
  const enabled = async (section: string) => t.page.getByRole('form', { name: section, exact: true }).getByLabel('Enabled', { exact: true }).isChecked();
  const out = { pickup: await enabled('Pickups'), delivery: await enabled('Deliveries'), dineIn: await enabled('Dine-Ins'), tableBookings: await enabled('Table Bookings') };
  if (!out.pickup || !out.delivery || out.dineIn || out.tableBookings) {
    throw new FlowError('verification_failed', `services read back as ${JSON.stringify(out)}`);
  }
  return out;
});
