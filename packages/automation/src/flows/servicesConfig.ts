// Sub-step 7: Settings > Services from ExecutionConfig.services, defaulting to what the original's script set
// (pickup and delivery on with their timings and auto-statuses, dine-in and table bookings off). Toggles are set to a state, never
// clicked blindly, so a re-run does not flip them back. Verified by reading the toggles back.
import { FlowError } from './errors';
import type { AccountLogin } from './context';
import { loginAdmin, openRestaurant, saveSection } from './pages/portal';
import { browserFlow } from './runtime';

/** ExecutionConfig.services in flow terms; every field defaults to what the original's script set. */
export interface ServicesPlan {
  pickupEnabled: boolean;
  deliveryEnabled: boolean;
  dineInEnabled: boolean;
  tableBookingsEnabled: boolean;
  minimumOrder: number;
  firstOrderOffsetMinutes: number;
  lastOrderOffsetMinutes: number;
  maxDaysAhead: number;
  timeTillConfirmMinutes: number;
  timeTillReadyMinutes: number;
  timeTillOnRouteMinutes: number;
  timeTillCompleteMinutes: number;
}

export const ORIGINAL_SERVICES: ServicesPlan = {
  pickupEnabled: true,
  deliveryEnabled: true,
  dineInEnabled: false,
  tableBookingsEnabled: false,
  minimumOrder: 2,
  firstOrderOffsetMinutes: 0,
  lastOrderOffsetMinutes: 15,
  maxDaysAhead: 8,
  timeTillConfirmMinutes: 1,
  timeTillReadyMinutes: 15,
  timeTillOnRouteMinutes: 10,
  timeTillCompleteMinutes: 30,
};

export interface ServicesConfigInput {
  account: AccountLogin;
  platformRestaurantId: string;
  services?: Partial<ServicesPlan>;
}

export interface ServicesConfigOutput {
  pickup: boolean;
  delivery: boolean;
  dineIn: boolean;
  tableBookings: boolean;
}

type Value = boolean | string;

function plan(p: ServicesPlan): [section: string, values: Record<string, Value>][] {
  const timing = {
    'First Order Offset (minutes)': String(p.firstOrderOffsetMinutes),
    'Last Order Offset (minutes)': String(p.lastOrderOffsetMinutes),
    'Max Days Ahead': String(p.maxDaysAhead),
    'Auto Confirm': true,
    'Time Till Confirm (minutes)': String(p.timeTillConfirmMinutes),
    'Auto Ready': true,
    'Time Till Ready (minutes)': String(p.timeTillReadyMinutes),
  };
  const sections: [string, boolean, Record<string, Value>][] = [
    ['Pickups', p.pickupEnabled, { ...timing, 'Auto Complete': true, 'Time Till Complete (minutes)': String(p.timeTillCompleteMinutes) }],
    [
      'Deliveries',
      p.deliveryEnabled,
      {
        'Map Picker': true,
        'Force Street Number': true,
        'Force Specific Street Address': true,
        'Minimum Order ($)': String(p.minimumOrder),
        ...timing,
        'Auto On Route': true,
        'Time Till On Route (minutes)': String(p.timeTillOnRouteMinutes),
        'Auto Complete': true,
        'Time Till Complete (minutes)': String(p.timeTillCompleteMinutes),
        'Checkout field "Delivery Instructions"': false,
      },
    ],
    ['Dine-Ins', p.dineInEnabled, {}],
    ['Table Bookings', p.tableBookingsEnabled, {}],
  ];
  // Sections being switched on are saved before those being switched off: the portal refuses a save that
  // would leave no service enabled.
  return [...sections.filter((x) => x[1]), ...sections.filter((x) => !x[1])].map(([name, on, values]) => [name, { Enabled: on, ...(on ? values : {}) }]);
}

export const servicesConfig = browserFlow<ServicesConfigInput, ServicesConfigOutput>('servicesConfig', async (t, input) => {
  await loginAdmin(t, input.account);
  await openRestaurant(t, input.platformRestaurantId, '/settings/services');
  const wanted = { ...ORIGINAL_SERVICES, ...input.services };
  if (!wanted.pickupEnabled && !wanted.deliveryEnabled && !wanted.dineInEnabled && !wanted.tableBookingsEnabled) {
    throw new FlowError('missing_input', 'at least one service must be enabled');
  }
  for (const [section, values] of plan(wanted)) {
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
  if (out.pickup !== wanted.pickupEnabled || out.delivery !== wanted.deliveryEnabled || out.dineIn !== wanted.dineInEnabled || out.tableBookings !== wanted.tableBookingsEnabled) {
    throw new FlowError('verification_failed', `services read back as ${JSON.stringify(out)}`);
  }
  return out;
});
