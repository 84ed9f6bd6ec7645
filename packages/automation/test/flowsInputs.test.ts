// Flow inputs from a normalised ExecutionConfig and a restaurant's facts: the engine's side of the flows.
import { normaliseExecutionConfig, RestaurantFactsSchema } from '@regbatch/machines';
import { describe, expect, it } from 'vitest';
import {
  cloudwaitressAccountInput,
  createOnboardingUserInput,
  defaultSeo,
  FlowError,
  itemTagsInput,
  paymentConfigInput,
  restaurantRegistrationInput,
  servicesConfigInput,
  splitHours,
  syncOnboardingUserInput,
  websiteConfigInput,
} from '../src/flows';
import { buildMenu } from '../src/menu/parse';

const restaurant = RestaurantFactsSchema.parse({
  id: 'r-1',
  name: 'Harbour Curry Garden',
  address: '12 Quay Street, Auckland Central, Auckland 1010',
  phone: '+6495550101',
  contact_name: 'Priya Singh',
  cuisine: ['Indian'],
  opening_hours: [{ day: 'Friday', open: '17:00', close: '02:00' }],
  nzbn: '9429040005928',
});
const config = normaliseExecutionConfig({
  email: 'owner@curry.co.nz',
  password: { secret_ref: 'sec-1' },
  phone: '021 555 0101',
  settings: { primary_color: '#aa3300', nav_text_color: 'primary', include_stripe_connect_link: true },
  services: { dine_in_enabled: true },
});

describe('flow inputs from the execution config', () => {
  it('carries secret references, never passwords, and refuses a plain password', () => {
    expect(cloudwaitressAccountInput(config, restaurant)).toEqual({ email: 'owner@curry.co.nz', phone: config.phone, passwordRef: 'sec-1' });
    expect(createOnboardingUserInput(config, restaurant)).toEqual({ name: 'Priya Singh', email: 'owner@curry.co.nz', passwordRef: 'sec-1' });
    const plain = normaliseExecutionConfig({ email: 'a@b.nz', password: 'plain-password-1' });
    expect(() => cloudwaitressAccountInput(plain, { ...restaurant, phone: '+6495550101' })).toThrow(FlowError);
  });

  it('falls back to the restaurant facts for registration, keeping its after-midnight hours for the flow to split', () => {
    const input = restaurantRegistrationInput(config, restaurant);
    expect(input).toMatchObject({ name: 'Harbour Curry Garden', address: restaurant.address, hours: [{ day: 'Friday', open: '17:00', close: '02:00' }] });
    expect(splitHours(input.hours)).toEqual([
      { day: 'Friday', open: '17:00', close: '23:59' },
      { day: 'Saturday', open: '00:00', close: '02:00' },
    ]);
    expect(() => restaurantRegistrationInput(config, { ...restaurant, opening_hours: null })).toThrow(/opening hours/);
  });

  it('maps website, services, payment and onboarding settings', () => {
    const w = websiteConfigInput(config, restaurant, { platformRestaurantId: 'RES1', headCode: '<style></style>' });
    expect(w).toMatchObject({ primaryColour: '#aa3300', navTextColour: '#aa3300', headCode: '<style></style>' });
    expect(w.seoTitle).toBe('Harbour Curry Garden Auckland Central - Order Online for Delivery or Pickup');
    expect(defaultSeo({ name: 'X', address: null }).title).toBe('X - Order Online for Delivery or Pickup');
    expect(servicesConfigInput(config, 'RES1').services).toMatchObject({ dineInEnabled: true, pickupEnabled: true, lastOrderOffsetMinutes: 15 });
    expect(paymentConfigInput(config, 'RES1')).toMatchObject({ includeConnectLink: true, currency: 'NZD', maximumOrder: 9999 });
    const sync = syncOnboardingUserInput(config, restaurant, { platformRestaurantId: 'RES1', stripeConnectUrl: 'https://x/setup/s/acct_1/t' });
    expect(sync.fields).toMatchObject({ restaurant_id: 'RES1', nzbn: '9429040005928', stripe_connect_link: 'https://x/setup/s/acct_1/t' });
  });

  it('maps menu tags onto the presets without the original\'s "contains nuts" inversion', () => {
    const menu = buildMenu([
      { row: 1, line: 2, menuName: 'Menu', category: 'Mains', categoryDescription: '', name: 'Satay', price: '12', type: '', description: '', displayName: '', printName: '', tags: 'Contains Nuts; Hot', imageUrl: '', cdnId: '', cdnFilename: '' },
      { row: 2, line: 3, menuName: 'Menu', category: 'Mains', categoryDescription: '', name: 'Dal', price: '10', type: '', description: '', displayName: '', printName: '', tags: 'GF, Vegan', imageUrl: '', cdnId: '', cdnFilename: '' },
    ]);
    const tags = Object.fromEntries(itemTagsInput(config, 'RES1', menu).tags.map((t) => [t.name, t.dishNames]));
    expect(tags['Spicy']).toEqual(['Satay']);
    expect(tags['Nut Free']).toEqual([]);
    expect(tags['Gluten Free']).toEqual(['Dal']);
    expect(tags['Vegan']).toEqual(['Dal']);
  });
});
