// The twelve flows in real Chromium against the sandbox, in the order the engine runs them for one
// restaurant: each leaves exactly its effect in the portal, and running it again leaves no second one.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createBrowserPool, type BrowserPool } from '../src/browser/pool';
import { exportMenuCsv } from '../src/menu/export';
import { parseOptionSetsCsv } from '../src/menu/optionSets';
import { parseMenuCsv } from '../src/menu/parse';
import { createSandboxServer, defaultFixturesDir, type SandboxServer } from '../src/sandbox/server';
import { createPortalClient, type PortalClient } from '../src/sandbox/portal';
import {
  cloudwaitressAccount,
  codeGeneration,
  createOnboardingUser,
  itemTags,
  menuImport,
  optionSets,
  paymentConfig,
  presetTagsFor,
  restaurantRegistration,
  servicesConfig,
  syncOnboardingUser,
  uploadImages,
  websiteConfig,
  type Flow,
  type OptionSetInput,
} from '../src/flows';
import { diskArtifacts, flowContext, memoryLog, memorySecrets, sandboxPortalSettings } from '../src/flows/testing';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 30_000 });

let sb: SandboxServer;
let pool: BrowserPool;
let portal: PortalClient;
const secrets = memorySecrets({ 'secret:account': 'Burger-It-Pass-2025!', 'secret:onboarding-user': 'Onboard-Pass-2025!' });
const log = memoryLog();
const artifacts = diskArtifacts(join(tmpdir(), `regbatch-flows-${process.pid}`));
const account = { email: 'Owner@BurgerIt.co.nz', passwordRef: 'secret:account' };
const fixtures = defaultFixturesDir();
const menuCsv = exportMenuCsv(parseMenuCsv(readFileSync(resolve(fixtures, 'menus/burgerit_menu_05-08-2025.csv'))));
let restaurantId = '';

function run<I, O>(flow: Flow<I, O>, input: I, browser = true): Promise<O> {
  const settings = sandboxPortalSettings(sb.url, { actionTimeoutMs: 5_000 });
  if (!browser) return flow(flowContext({ log, artifacts, secrets, settings }), input);
  return pool.withContext(async (context) => flow(flowContext({ page: await context.newPage(), log, artifacts, secrets, settings }), input));
}

beforeAll(async () => {
  sb = await createSandboxServer();
  portal = createPortalClient(sb.url);
  pool = createBrowserPool({ allowedHosts: ['127.0.0.1'], maxContexts: 2, log: { info() {}, warn() {} } });
});
afterAll(async () => {
  await pool?.close();
  await sb?.close();
});

describe('the twelve flows on one restaurant', () => {
  it('cloudwaitressAccount registers once, and a re-run (e-mail in another case) finds the account', async () => {
    const first = await run(cloudwaitressAccount, { email: account.email, phone: '021 555 0199', passwordRef: account.passwordRef }, false);
    expect(first).toMatchObject({ created: true });
    const again = await run(cloudwaitressAccount, { email: account.email.toLowerCase(), phone: '+64215550199', passwordRef: account.passwordRef }, false);
    expect(again.created).toBe(false);
    const accounts = await portal.accounts();
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({ email: account.email, phone: '+64215550199' });
  });

  it('restaurantRegistration creates one restaurant (midnight hours split), then finds it by name and by id', async () => {
    const input = {
      account,
      name: 'Burger It Ōtāhuhu',
      address: '12 Atkinson Avenue, Ōtāhuhu, Auckland 1062',
      phone: '+6495550199',
      hours: [
        { day: 'Monday' as const, open: '11:00', close: '21:00' },
        { day: 'Friday' as const, open: '17:00', close: '02:00' },
      ],
    };
    const created = await run(restaurantRegistration, input);
    expect(created).toMatchObject({ created: true, subdomain: 'burgeritotahuhu' });
    restaurantId = created.platformRestaurantId;
    expect(await run(restaurantRegistration, input)).toMatchObject({ created: false, platformRestaurantId: restaurantId });
    expect(await run(restaurantRegistration, { ...input, platformRestaurantId: restaurantId })).toMatchObject({ created: false, subdomain: 'burgeritotahuhu' });
    const list = await portal.restaurantsOf(account.email);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: restaurantId, name: 'Burger It Ōtāhuhu', currency: 'NZD', timezone: 'Pacific/Auckland', taxInPrices: true });
    expect(list[0]?.address).toContain('12 Atkinson Avenue');
    expect(list[0]?.hours).toEqual([
      { day: 'Monday', open: '11:00', close: '21:00' },
      { day: 'Friday', open: '17:00', close: '23:59' },
      { day: 'Saturday', open: '00:00', close: '02:00' },
    ]);
  });

  it('codeGeneration returns head/body code carrying the colours and name, the same on a re-run', async () => {
    const input = { restaurantName: 'Burger It Ōtāhuhu', primaryColour: '#E4572E', secondaryColour: '#17BEBB', theme: 'dark' as const, disableGradients: true };
    const a = await run(codeGeneration, input);
    expect(a.headInjection).toContain('#e4572e');
    expect(a.bodyInjection).toContain('Burger It Ōtāhuhu');
    const b = await run(codeGeneration, input);
    expect(b.headInjection).toBe(a.headInjection);
    expect(b.bodyInjection).toBe(a.bodyInjection);
  });

  it('createOnboardingUser creates the user once', async () => {
    const input = { name: 'Aroha Ngata', email: 'aroha@burgerit.co.nz', passwordRef: 'secret:onboarding-user' };
    expect(await run(createOnboardingUser, input)).toEqual({ email: input.email, created: true });
    expect(await run(createOnboardingUser, { ...input, email: 'AROHA@burgerit.co.nz' })).toMatchObject({ created: false });
    const users = await portal.onboardingUsers();
    expect(users.map((u) => [u.email, u.role, u.organisation])).toEqual([['aroha@burgerit.co.nz', 'New Sign Up', 'None']]);
  });

  it('websiteConfig saves theme, colours, uploads and code, reads them back, and uploads nothing on a re-run', async () => {
    const logo = { fileName: 'logo.png', mimeType: 'image/png', data: Buffer.from('fake-png-logo-bytes') };
    const input = {
      account,
      platformRestaurantId: restaurantId,
      theme: 'dark' as const,
      primaryColour: '#E4572E',
      secondaryColour: '#17BEBB',
      navTextColour: '#FFFFFF',
      headerEnabled: true,
      itemLayout: 'card' as const,
      logo,
      headerBackground: { fileName: 'header.jpg', mimeType: 'image/jpeg', data: Buffer.from('fake-header') },
      seoTitle: 'Burger It Ōtāhuhu - Order Online for Delivery or Pickup',
      seoDescription: '12 Atkinson Avenue +6495550199 - Best Burgers in Ōtāhuhu',
      facebookUrl: 'facebook.com/burgerit',
      instagramUrl: 'https://instagram.com/burgerit',
      headCode: '<style>:root{--x:1}</style>',
      bodyCode: '<script>window.x=1</script>',
    };
    const out = await run(websiteConfig, input);
    expect(out.uploads).toBe(3);
    const r = await portal.restaurant(restaurantId);
    expect(r.website).toMatchObject({
      theme: 'dark',
      colors: { primary: '#e4572e', secondary: '#17bebb' },
      fonts: { heading: 'Gabarito', normal: 'Gabarito' },
      itemLayout: 'card',
      tagPosition: 'Inner Bottom',
      headerEnabled: true,
      social: { facebook: 'https://facebook.com/burgerit', instagram: 'https://instagram.com/burgerit' },
      headCode: input.headCode,
      bodyCode: input.bodyCode,
    });
    expect(r.website.logo).toBe(out.logoUrl);
    expect((await portal.uploads()).portal).toHaveLength(3);
    const again = await run(websiteConfig, input);
    expect(again.uploads).toBe(0);
    expect((await portal.uploads()).portal).toHaveLength(3);
  });

  it('servicesConfig sets pickup and delivery on, dine-in and bookings off, and a re-run does not flip them', async () => {
    for (let i = 0; i < 2; i++) {
      expect(await run(servicesConfig, { account, platformRestaurantId: restaurantId })).toEqual({ pickup: true, delivery: true, dineIn: false, tableBookings: false });
    }
    const s = (await portal.restaurant(restaurantId)).services;
    expect(s.delivery).toMatchObject({ enabled: true, mapPicker: true, minimumOrder: '2', timeTillOnRoute: '10', defaultCheckoutField: false });
    expect(s.pickup).toMatchObject({ enabled: true, lastOrderOffset: '15', maxDaysAhead: '8' });
  });

  it('paymentConfig adds Stripe once, configures it and returns the Connect link', async () => {
    const a = await run(paymentConfig, { account, platformRestaurantId: restaurantId, includeConnectLink: true });
    expect(a.stripeAdded).toBe(true);
    expect(a.stripeConnectUrl).toMatch(/\/stripe-connect\/setup\/s\/acct_[0-9a-f]+\//);
    const b = await run(paymentConfig, { account, platformRestaurantId: restaurantId, includeConnectLink: false });
    expect(b).toEqual({ stripeAdded: false, stripeConnectUrl: null });
    const r = await portal.restaurant(restaurantId);
    const stripe = r.payments.filter((p) => p.type === 'stripe');
    expect(stripe).toHaveLength(1);
    expect(stripe[0]).toMatchObject({ enabled: true, settings: { layout: 'Accordion without radio button', theme: 'Flat', label: 'Stripe', maxOrder: '9999', minOrder: '2', currency: 'NZD' } });
    expect(r.stripe.links).toEqual([a.stripeConnectUrl]);
  });

  it('menuImport leaves exactly the exported CSV dishes, and a re-run does not import again', async () => {
    const input = { account, platformRestaurantId: restaurantId, csv: menuCsv.csv, sha256: menuCsv.sha256 };
    expect(await run(menuImport, input)).toEqual({ imported: true, itemCount: menuCsv.rows, sha256: menuCsv.sha256 });
    expect(await run(menuImport, input)).toMatchObject({ imported: false, itemCount: menuCsv.rows });
    const m = await portal.menu(restaurantId);
    expect(m.imports).toHaveLength(1);
    expect(m.items).toHaveLength(menuCsv.rows);
  });

  it('syncOnboardingUser updates the onboarding record and reads it back', async () => {
    const fields = { restaurant_name: 'Burger It Ōtāhuhu', restaurant_id: restaurantId, primary_color: '#e4572e', stripe_connect_link: '', phone: '+6495550199' };
    const out = await run(syncOnboardingUser, { userEmail: 'aroha@burgerit.co.nz', fields }, false);
    expect(out.updatedFields.sort()).toEqual(['phone', 'primary_color', 'restaurant_id', 'restaurant_name']);
    await run(syncOnboardingUser, { userEmail: 'aroha@burgerit.co.nz', fields }, false);
    const records = await portal.onboardingRecords();
    expect(records).toHaveLength(1);
    expect(records[0]?.fields).toEqual({ restaurant_name: 'Burger It Ōtāhuhu', restaurant_id: restaurantId, primary_color: '#e4572e', phone: '+6495550199' });
  });

  it('optionSets puts every fixture set on every dish it names, once', async () => {
    const sets: OptionSetInput[] = parseOptionSetsCsv(readFileSync(resolve(fixtures, 'option-sets/burgerit_menu_05-08-2025.option-sets.csv'))).map((s) => ({
      name: s.name,
      displayName: s.displayName,
      required: s.required,
      multiSelect: s.multiSelect,
      quantitySelect: s.quantitySelect,
      minOptions: s.minOptions,
      maxOptions: s.maxOptions,
      freeAmount: s.freeAmount,
      options: s.options.map((o) => ({ name: o.name, price: o.price, printName: o.printName, isDefault: o.isDefault })),
      dishNames: s.appliesToDishes,
    }));
    const first = await run(optionSets, { account, platformRestaurantId: restaurantId, optionSets: sets });
    expect(first.created).toEqual(sets.map((s) => s.name));
    const second = await run(optionSets, { account, platformRestaurantId: restaurantId, optionSets: sets });
    expect(second.unchanged).toEqual(sets.map((s) => s.name));
    const inPortal = await portal.optionSets(restaurantId);
    expect(inPortal).toHaveLength(sets.length);
    for (const s of sets) {
      const p = inPortal.find((x) => x.name === s.name)!;
      expect(p.options.map((o) => o.name)).toEqual(s.options.map((o) => o.name));
      for (const d of s.dishNames) expect(p.itemNames.map((n) => n.toLowerCase())).toContain(d.toLowerCase());
    }
  });

  it('itemTags creates the ten presets once and assigns the dishes whose tags map onto them', async () => {
    const dishes = parseMenuCsv(menuCsv.csv).categories.flatMap((c) => c.items.map((i) => ({ name: i.name, tags: i.tags })));
    dishes.push({ name: dishes[0]!.name, tags: ['Most Liked', 'contains nuts'] });
    const tags = presetTagsFor(dishes);
    const first = await run(itemTags, { account, platformRestaurantId: restaurantId, tags });
    expect(first.created).toHaveLength(10);
    expect((await run(itemTags, { account, platformRestaurantId: restaurantId, tags })).unchanged).toHaveLength(10);
    const inPortal = await portal.itemTags(restaurantId);
    expect(inPortal).toHaveLength(10);
    expect(inPortal.find((t) => t.name === 'Popular')?.itemNames).toContain(dishes[0]!.name);
    expect(inPortal.find((t) => t.name === 'Nut Free')?.itemNames).toEqual([]);
  });

  it('uploadImages stores each image once by from_url, and a re-run reuses them', async () => {
    const images = parseMenuCsv(readFileSync(resolve(fixtures, 'menus/burgerit_menu_05-08-2025.csv')))
      .categories.flatMap((c) => c.items)
      .filter((i) => i.image?.url)
      .slice(0, 6)
      .map((i, n) => ({ id: `img-${n}`, url: i.image!.url!, filename: `burgers-${n}.jpg` }));
    const a = await run(uploadImages, { images }, false);
    expect(a.uploaded.every((u) => !u.reused)).toBe(true);
    const b = await run(uploadImages, { images }, false);
    expect(b.uploaded.map((u) => u.cdnId)).toEqual(a.uploaded.map((u) => u.cdnId));
    expect(b.uploaded.every((u) => u.reused)).toBe(true);
    const cdn = (await portal.uploads()).cdn;
    expect(cdn).toHaveLength(images.length);
    expect(cdn.map((f) => f.sourceUrl).sort()).toEqual(images.map((i) => i.url).sort());
  });

  it('leaves one account, one restaurant and no duplicates anywhere', async () => {
    const d = await portal.duplicates();
    for (const list of Object.values(d)) expect(list).toEqual([]);
    expect(await portal.accounts()).toHaveLength(1);
    expect(await portal.restaurantsOf(account.email)).toHaveLength(1);
    expect(log.lines.join('\n')).not.toContain('Burger-It-Pass-2025!');
  });
});
