// ExecutionConfig and its field schemas: tables of valid and invalid values, the seed's shape, the folding of its
// flags, the original's YoloModeFormData, step 4's defaults and the secret paths.
import { describe, expect, test } from 'vitest';
import { SUB_STEP_KEYS } from '../src/domain';
import {
  CanonicalExecutionConfigSchema,
  ExecutionConfigError,
  ExecutionConfigSchema,
  OpeningHoursParseError,
  SECRET_PATHS,
  coerceOpeningHours,
  defaultExecutionConfig,
  defaultSubdomain,
  emailSchema,
  formatOpeningHours,
  fromLegacyYoloFormData,
  hexColourSchema,
  isLegacyYoloFormData,
  isSecretRef,
  isStepEnabled,
  mapSecrets,
  normaliseExecutionConfig,
  nzPhoneSchema,
  openingHoursSchema,
  parseOpeningHours,
  safeNormaliseExecutionConfig,
  splitOvernight,
  type ExecutionConfig,
} from '../src/config';
import { RestaurantFactsSchema, type RestaurantFacts } from '../src/restaurant';
import type { CompanyDetails } from '../src/matching';

function issuesOf(raw: unknown): string[] {
  const result = safeNormaliseExecutionConfig(raw);
  if (result.ok) throw new Error('expected the config to be rejected');
  return result.error.issues.map((i) => `${i.path}: ${i.message}`);
}

/** The seed's execution_config example, verbatim. */
const SEED_EXAMPLE = {
  email: 'owner@restaurant.com',
  password: 'generated_password',
  phone: '+64211234567',
  csv_path: '/path/to/menu.csv',
  steps_enabled: {
    cloudwaitressAccount: true,
    codeGeneration: true,
    createOnboardingUser: true,
    syncOnboardingUser: true,
    websiteConfig: true,
    servicesConfig: true,
    paymentConfig: true,
    menuImport: true,
    uploadImages: true,
    optionSets: true,
    itemTags: true,
  },
  settings: {
    register_new_cloudwaitress_account: true,
    first_restaurant_for_account: true,
    menu_to_import: 'menu_id',
    website_theme: 'light',
    cuisines: {},
    primary_color: '#3f92ff',
    secondary_color: '#223851',
    disable_gradients: false,
    configure_header: true,
    header_image: 'ubereats',
    header_logo_source: 'logo_no_bg',
    header_logo_dark_tint: false,
    header_logo_light_tint: false,
    nav_logo_source: 'logo_no_bg',
    nav_logo_dark_tint: '#ffffff',
    nav_logo_light_tint: false,
    nav_text_color: '#223851',
    card_text_color: '#2D2D2D',
    item_layout: 'card',
    favicon_source: 'favicon',
    include_stripe_connect_link: false,
    auto_configure_services: true,
    import_menu_immediately: true,
  },
};

/** A YoloModeFormData row as the original's step-5 form saved it (reference §3.6), with its quirks. */
const LEGACY_ROW = {
  account: {
    registerNewUser: true,
    email: 'Owner@KowhaiBurger.example.nz',
    password: 'Kowhaiburgerco789!',
    phone: '021 555 0101',
  },
  restaurant: {
    registrationMode: 'existing_account_first_restaurant',
    name: 'Kowhai Burger Co',
    phone: '021 555 0101',
    address: '12 Great North Road, Grey Lynn',
    city: 'Auckland',
    subdomain: 'kowhai-burger-co',
    opening_hours: [
      { day: 'Monday', hours: { open: '11:00', close: '21:00' } },
      { day: 'Friday', hours: { open: '17:00', close: '02:00' } },
      { day: 'Sunday', hours: { open: 'Closed', close: 'Closed' } },
    ],
  },
  menu: {
    selectedMenuId: '5b0c0de0-0000-4000-8000-000000000001',
    uploadImages: true,
    addOptionSets: false,
    addItemTags: true,
  },
  website: {
    theme: 'dark',
    cuisines: ['burgers'],
    primaryColor: '#3F92FF',
    secondaryColor: '223851',
    disableGradients: true,
    configureHeader: true,
    headerImageSource: 'website_og_image',
    headerLogoSource: 'logo_nobg_url',
    headerLogoDarkTint: 'none',
    headerLogoLightTint: 'none',
    navLogoSource: 'logo_nobg_url',
    navLogoDarkTint: 'none',
    navLogoLightTint: 'none',
    navTextColor: 'custom',
    navTextCustomColor: '#FFF',
    cardTextColor: 'white',
    cardTextCustomColor: '',
    faviconSource: 'logo_favicon_url',
    itemLayout: 'list',
  },
  payment: { includeStripeLink: true },
  onboarding: {
    createOnboardingUser: false,
    syncOnboardingRecord: true,
    userName: 'Priya Patel',
    userEmail: '',
    userPassword: '',
  },
  gst_number: '100-079-194',
};

describe('field schemas', () => {
  test.each([
    ['owner@kowhaiburger.example.nz', 'owner@kowhaiburger.example.nz'],
    ['  Bookings@HarbourCurry.example.nz ', 'bookings@harbourcurry.example.nz'],
    ['owner3@pōnekepizzaco.example.nz', 'owner3@xn--pnekepizzaco-ggc.example.nz'],
    ['owner3@pōnekepizzaco.example.nz'.normalize('NFD'), 'owner3@xn--pnekepizzaco-ggc.example.nz'],
    ['OWNER3@PŌNEKEPIZZACO.EXAMPLE.NZ', 'owner3@xn--pnekepizzaco-ggc.example.nz'],
    ['kai@whānau.nz', 'kai@xn--whnau-gwa.nz'],
    ['first.last+orders@sub.example.co.nz', 'first.last+orders@sub.example.co.nz'],
  ])('email %j is stored as %j', (input, stored) => {
    expect(emailSchema.parse(input)).toBe(stored);
  });

  test.each([
    'owner',
    '@example.nz',
    'owner@',
    'owner@example',
    'own er@example.nz',
    'owner@exa mple.nz',
    'owner@-example.nz',
    'owner@example..nz',
    'owner@example.123',
    'owner@example.nz/path',
    'owner@example.nz:8080',
    'ōwner@example.nz',
    '.owner@example.nz',
  ])('email %j is rejected with the value named', (input) => {
    const result = emailSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(
      `${JSON.stringify(input.trim().toLowerCase())} is not a valid email address`,
    );
  });

  test.each([
    ['021 555 0101', '+64215550101'],
    ['+64 21 555 0101', '+64215550101'],
    ['021 0555 0105', '+642105550105'],
    ['022 1234 5678', '+642212345678'],
    ['027 123 4567', '+64271234567'],
    ['(09) 555 0123', '+6495550123'],
    ['09 555 0103', '+6495550103'],
    ['+64 9 555 0102', '+6495550102'],
    ['04-555-0106', '+6445550106'],
    ['03 555 0107', '+6435550107'],
    ['+6475550109', '+6475550109'],
    ['0064 7 555 0109', '+6475550109'],
    ['0800 555 123', '+64800555123'],
  ])('phone %j is stored as %j', (input, stored) => {
    expect(nzPhoneSchema.parse(input)).toBe(stored);
  });

  test.each([
    '555',
    '021 55',
    '+61 2 9999 9999',
    '+1 415 555 2671',
    'call me',
    '09 555 0103 or 021 555 0101',
    '',
  ])('phone %j is rejected with the value named', (input) => {
    const result = nzPhoneSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(
      `${JSON.stringify(input.trim())} is not a valid New Zealand phone number`,
    );
  });

  test.each([
    ['#abc', '#aabbcc'],
    ['ABCDEF', '#abcdef'],
    ['#AbCdEf', '#abcdef'],
    [' #3f92ff ', '#3f92ff'],
    ['fff', '#ffffff'],
  ])('colour %j is stored as %j', (input, stored) => {
    expect(hexColourSchema.parse(input)).toBe(stored);
  });

  test.each(['#12', '#abcd', '#1234567', 'red', 'rgb(0,0,0)', '#ggg', ''])(
    'colour %j is rejected with the value named',
    (input) => {
      const result = hexColourSchema.safeParse(input);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toContain(
        `${JSON.stringify(input.trim())} is not a hex colour`,
      );
    },
  );
});

describe('opening hours', () => {
  test('the contract example: split shifts on weekdays and a Saturday past midnight', () => {
    const hours = parseOpeningHours('Mon-Fri 11:00-14:00, 17:00-22:00; Sat 17:00-02:00');
    expect(hours).toHaveLength(11);
    expect(hours.slice(0, 2)).toEqual([
      { day: 'Monday', open: '11:00', close: '14:00' },
      { day: 'Monday', open: '17:00', close: '22:00' },
    ]);
    expect(hours.at(-1)).toEqual({ day: 'Saturday', open: '17:00', close: '02:00' });
    expect(formatOpeningHours(hours)).toBe('Mon-Fri 11:00-14:00, 17:00-22:00; Sat 17:00-02:00');
  });

  test.each([
    ['Mon-Sun 11:00-21:00', 'Mon-Sun 11:00-21:00'],
    ['Mon-Sat 10:00-23:00; Sun 11:00-22:00', 'Mon-Sat 10:00-23:00; Sun 11:00-22:00'],
    ['Tue-Sun 11:00-15:00; Tue-Sun 17:00-21:00', 'Tue-Sun 11:00-15:00, 17:00-21:00'],
    ['Daily 11am-9:30pm', 'Mon-Sun 11:00-21:30'],
    ['Weekdays 7.30am - 3pm | Weekends 8am to 2pm', 'Mon-Fri 07:30-15:00; Sat-Sun 08:00-14:00'],
    ['Fri-Mon 17:00-23:00', 'Mon 17:00-23:00; Fri-Sun 17:00-23:00'],
    ['Mon, Wed & Fri: 12:00-14:00', 'Mon 12:00-14:00; Wed 12:00-14:00; Fri 12:00-14:00'],
    ['Mon-Sun 11:00-21:00; Mon Closed', 'Tue-Sun 11:00-21:00'],
    ['Thursday 5pm-midnight', 'Thu 17:00-00:00'],
    ['Sat 12pm-12am', 'Sat 12:00-00:00'],
  ])('%j reads as %j', (cell, text) => {
    expect(formatOpeningHours(parseOpeningHours(cell))).toBe(text);
  });

  test.each([
    ['', 'no hours given'],
    ['Mon-Fri', '"Mon-Fri" has no hours'],
    ['Funday 9-5', '"funday" is not a day'],
    ['Mon 25:00-26:00', '"25:00" is not a time'],
    ['Mon 11:00', '"11:00" is not a time range like 11:00-14:00'],
    ['11:00-14:00', 'a group of hours names no days'],
    ['Mon-Fri 11:00-15:00, 14:00-22:00', 'shifts overlap: Mon 11:00-15:00 and Mon 14:00-22:00'],
    ['Sat 17:00-03:00; Sun 02:00-10:00', 'shifts overlap: Sat 17:00-03:00 and Sun 02:00-10:00'],
    ['Sun 20:00-02:00; Mon 01:00-09:00', 'shifts overlap: Mon 01:00-09:00 and Sun 20:00-02:00'],
  ])('%j is rejected: %s', (cell, detail) => {
    expect(() => parseOpeningHours(cell)).toThrowError(new OpeningHoursParseError(cell, detail).message);
  });

  test('after-midnight shifts become two portal slots, one per day', () => {
    expect(splitOvernight(parseOpeningHours('Sat 17:00-02:00; Sun 17:00-00:00'))).toEqual([
      { day: 'Saturday', open: '17:00', close: '23:59' },
      { day: 'Sunday', open: '00:00', close: '02:00' },
      { day: 'Sunday', open: '17:00', close: '23:59' },
    ]);
  });

  test('the schema takes stored entries or a cell, and orders them', () => {
    expect(
      openingHoursSchema
        .parse([
          { day: 'Tuesday', open: '09:00', close: '17:00' },
          { day: 'Monday', open: '09:00', close: '17:00' },
        ])
        .map((e) => e.day),
    ).toEqual(['Monday', 'Tuesday']);
    expect(openingHoursSchema.parse('Mon 9-5pm')).toEqual([{ day: 'Monday', open: '09:00', close: '17:00' }]);
    const bad = openingHoursSchema.safeParse([{ day: 'Monday', open: '9am', close: '17:00' }]);
    expect(bad.error?.issues[0]).toMatchObject({
      path: [0, 'open'],
      message: '"9am" is not a time of day (HH:MM)',
    });
  });

  test('stored shapes of the original are read: day lists with hours objects, and objects keyed by day', () => {
    expect(coerceOpeningHours([{ day: 'Friday', hours: { open: '17:00', close: '02:00' } }])).toEqual([
      { day: 'Friday', open: '17:00', close: '02:00' },
    ]);
    expect(
      coerceOpeningHours({
        monday: { open: '9:00', close: '17:00' },
        tuesday: 'Closed',
        wed: '11:00-14:00, 17:00-21:00',
      }),
    ).toEqual([
      { day: 'Monday', open: '09:00', close: '17:00' },
      { day: 'Wednesday', open: '11:00', close: '14:00' },
      { day: 'Wednesday', open: '17:00', close: '21:00' },
    ]);
    expect(coerceOpeningHours(null)).toEqual([]);
  });
});

describe('ExecutionConfig', () => {
  test("the seed's example validates, its flags folded into steps_enabled and its short names made canonical", () => {
    const config = normaliseExecutionConfig(SEED_EXAMPLE);
    expect(config.steps_enabled).toEqual(Object.fromEntries(SUB_STEP_KEYS.map((k) => [k, true])));
    expect(config.settings).not.toHaveProperty('register_new_cloudwaitress_account');
    expect(config.settings).not.toHaveProperty('import_menu_immediately');
    expect(config.settings).not.toHaveProperty('auto_configure_services');
    expect(config.settings).toMatchObject({
      cuisines: [],
      header_image: 'ubereats_og_image',
      header_logo_source: 'logo_nobg_url',
      nav_logo_dark_tint: '#ffffff',
      card_text_color: '#2d2d2d',
      favicon_source: 'logo_favicon_url',
    });
    expect(config.onboarding).toEqual({
      user_name: null,
      user_email: 'owner@restaurant.com',
      user_password: 'generated_password',
    });
    // Normalising is idempotent: the canonical shape is accepted as it is.
    expect(normaliseExecutionConfig(config)).toEqual(config);
    expect(CanonicalExecutionConfigSchema.parse(config)).toEqual(config);
  });

  test.each([
    ['register_new_cloudwaitress_account', 'cloudwaitressAccount'],
    ['import_menu_immediately', 'menuImport'],
    ['auto_configure_services', 'servicesConfig'],
  ] as const)('%s: false turns %s off, and is not kept beside the switch', (flag, key) => {
    const config = normaliseExecutionConfig({
      ...SEED_EXAMPLE,
      settings: { ...SEED_EXAMPLE.settings, [flag]: false },
    });
    expect(config.steps_enabled[key]).toBe(false);
    expect(isStepEnabled(config, key)).toBe(false);
    expect(SUB_STEP_KEYS.filter((k) => !config.steps_enabled[k])).toEqual([key]);
    expect(JSON.stringify(config)).not.toContain(flag);
  });

  test('a flag cannot turn on a sub-step its switch turns off', () => {
    const config = normaliseExecutionConfig({
      ...SEED_EXAMPLE,
      steps_enabled: { ...SEED_EXAMPLE.steps_enabled, menuImport: false },
      settings: { ...SEED_EXAMPLE.settings, import_menu_immediately: true },
    });
    expect(config.steps_enabled.menuImport).toBe(false);
  });

  test('a missing switch means enabled; restaurantRegistration, absent from the seed, is enabled', () => {
    expect(
      normaliseExecutionConfig({ email: 'a@b.nz', password: 'x' }).steps_enabled.restaurantRegistration,
    ).toBe(true);
  });

  test.each([
    [{ settings: { website_theme: 'blue' } }, 'settings.website_theme: "blue" is not one of "light", "dark"'],
    [{ settings: { item_layout: 'grid' } }, 'settings.item_layout: "grid" is not one of "card", "list"'],
    [
      { settings: { header_image: 'instagram' } },
      'settings.header_image: "instagram" is not one of "website_og_image", "facebook_cover_image", "ubereats_og_image", "doordash_og_image"',
    ],
    [
      { settings: { primary_color: '#12' } },
      'settings.primary_color: "#12" is not a hex colour like #3f92ff',
    ],
    [
      { settings: { nav_text_color: 'purple' } },
      'settings.nav_text_color: "purple" is not a hex colour like #3f92ff',
    ],
    [
      { settings: { nav_logo_dark_tint: 'glow' } },
      'settings.nav_logo_dark_tint: "glow" is not a hex colour like #3f92ff',
    ],
    [{ settings: { facebook_url: 'not a url' } }, 'settings.facebook_url: "not a url" is not a web address'],
    [{ email: 'owner at example.nz' }, 'email: "owner at example.nz" is not a valid email address'],
    [{ email: undefined }, 'email: required'],
    [{ password: '' }, 'password: must not be empty'],
    [{ password: { secret: 'x' } }, 'password: expected string, got {"secret":"x"}'],
    [{ phone: '021 55' }, 'phone: "021 55" is not a valid New Zealand phone number'],
    [{ steps_enabled: { menuImport: 'yes' } }, 'steps_enabled.menuImport: expected boolean, got "yes"'],
    [
      { settings: { import_menu_immediately: 'yes' } },
      'steps_enabled.menuImport: expected boolean, got "yes"',
    ],
    [
      { restaurant: { subdomain: 'Kōwhai!' } },
      'restaurant.subdomain: "kōwhai!" is not a subdomain (4–63 letters, digits or hyphens)',
    ],
    [
      { restaurant: { opening_hours: 'Mon 11-10-9' } },
      'restaurant.opening_hours: opening hours "Mon 11-10-9": "11-10-9" is not a time range like 11:00-14:00',
    ],
    [
      { services: { pickup_enabled: false, delivery_enabled: false } },
      'services.pickup_enabled: at least one service (pickup, delivery, dine-in, table bookings) must be enabled',
    ],
    [
      { payment: { minimum_order: 50, maximum_order: 20 } },
      'payment.minimum_order: minimum_order must not exceed maximum_order',
    ],
    [{ payment: { currency: 'dollars' } }, 'payment.currency: "DOLLARS" is not a currency code like NZD'],
    [{ onboarding: { user_email: 'nope' } }, 'onboarding.user_email: "nope" is not a valid email address'],
  ])('%j is rejected naming the field and value', (change, message) => {
    const base = { email: 'owner@restaurant.com', password: 'pw-123456' } as Record<string, unknown>;
    const raw = { ...base, ...change } as Record<string, unknown>;
    if (raw.email === undefined) delete raw.email;
    expect(issuesOf(raw)).toContain(message);
  });

  test('all problems are reported at once, as a typed non-retryable error', () => {
    let caught: unknown;
    try {
      normaliseExecutionConfig({
        email: 'nope',
        password: '',
        phone: '123',
        settings: { secondary_color: 'blue' },
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ExecutionConfigError);
    const error = caught as ExecutionConfigError;
    expect(error.code).toBe('invalid_execution_config');
    expect(error.retryable).toBe(false);
    expect(error.issues.map((i) => i.path)).toEqual([
      'email',
      'password',
      'phone',
      'settings.secondary_color',
    ]);
    expect(error.message).toContain('phone: "123" is not a valid New Zealand phone number');
  });

  test('the shared schema is what the web form validates with: safeParse gives field paths', () => {
    const result = ExecutionConfigSchema.safeParse({
      email: 'x@y.nz',
      password: 'p',
      settings: { primary_color: 'nope' },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['settings', 'primary_color']);
  });
});

describe("the original's YoloModeFormData", () => {
  test('a saved row converts to the canonical shape, its skip rules becoming switches', () => {
    expect(isLegacyYoloFormData(LEGACY_ROW)).toBe(true);
    expect(isLegacyYoloFormData(SEED_EXAMPLE)).toBe(false);
    const config = fromLegacyYoloFormData(LEGACY_ROW);
    expect(config).toEqual({
      config_version: 1,
      email: 'owner@kowhaiburger.example.nz',
      password: 'Kowhaiburgerco789!',
      phone: '+64215550101',
      csv_path: null,
      gst_number: '100-079-194',
      steps_enabled: {
        cloudwaitressAccount: true,
        codeGeneration: true,
        createOnboardingUser: false,
        uploadImages: true,
        restaurantRegistration: true,
        websiteConfig: true,
        servicesConfig: true,
        paymentConfig: true,
        menuImport: true,
        syncOnboardingUser: true,
        optionSets: false,
        itemTags: true,
      },
      settings: {
        first_restaurant_for_account: true,
        menu_to_import: '5b0c0de0-0000-4000-8000-000000000001',
        website_theme: 'dark',
        cuisines: ['burgers'],
        primary_color: '#3f92ff',
        secondary_color: '#223851',
        disable_gradients: true,
        configure_header: true,
        header_image: 'website_og_image',
        header_logo_source: 'logo_nobg_url',
        header_logo_dark_tint: false,
        header_logo_light_tint: false,
        nav_logo_source: 'logo_nobg_url',
        nav_logo_dark_tint: false,
        nav_logo_light_tint: false,
        nav_text_color: '#ffffff',
        card_text_color: 'white',
        item_layout: 'list',
        favicon_source: 'logo_favicon_url',
        include_stripe_connect_link: true,
        heading_font: 'Gabarito',
        body_font: 'Gabarito',
        seo_title: null,
        seo_description: null,
        instagram_url: null,
        facebook_url: null,
        custom_head_code: null,
        custom_body_code: null,
      },
      restaurant: {
        name: 'Kowhai Burger Co',
        phone: '+64215550101',
        address: '12 Great North Road, Grey Lynn',
        city: 'Auckland',
        subdomain: 'kowhai-burger-co',
        opening_hours: [
          { day: 'Monday', open: '11:00', close: '21:00' },
          { day: 'Friday', open: '17:00', close: '02:00' },
        ],
      },
      services: {
        pickup_enabled: true,
        delivery_enabled: true,
        dine_in_enabled: false,
        table_bookings_enabled: false,
        minimum_order: 2,
        first_order_offset_minutes: 0,
        last_order_offset_minutes: 15,
        max_days_ahead: 8,
        time_till_confirm_minutes: 1,
        time_till_ready_minutes: 15,
        time_till_on_route_minutes: 10,
        time_till_complete_minutes: 30,
      },
      payment: { currency: 'NZD', label: 'Stripe', minimum_order: 2, maximum_order: 9999 },
      onboarding: {
        user_name: 'Priya Patel',
        user_email: 'owner@kowhaiburger.example.nz',
        user_password: 'Kowhaiburgerco789!',
      },
    } satisfies ExecutionConfig);
    // The same row stored in execution_config is recognised by the ordinary normaliser too.
    expect(normaliseExecutionConfig(LEGACY_ROW)).toEqual(config);
  });

  test('no account registration, no menu and an additional restaurant are read as the original executed them', () => {
    const config = fromLegacyYoloFormData({
      ...LEGACY_ROW,
      account: { ...LEGACY_ROW.account, registerNewUser: false },
      restaurant: { ...LEGACY_ROW.restaurant, registrationMode: 'existing_account_additional_restaurant' },
      menu: { selectedMenuId: '', uploadImages: true, addOptionSets: true, addItemTags: true },
      onboarding: {
        createOnboardingUser: true,
        syncOnboardingRecord: false,
        userName: 'Priya',
        userEmail: 'priya@example.nz',
        userPassword: 'pw',
      },
    });
    expect(SUB_STEP_KEYS.filter((k) => !config.steps_enabled[k])).toEqual([
      'cloudwaitressAccount',
      'uploadImages',
      'menuImport',
      'syncOnboardingUser',
      'optionSets',
      'itemTags',
    ]);
    expect(config.settings.first_restaurant_for_account).toBe(false);
    expect(config.settings.menu_to_import).toBeNull();
    expect(config.onboarding).toEqual({
      user_name: 'Priya',
      user_email: 'priya@example.nz',
      user_password: 'pw',
    });
  });

  test("step 4's top-level email fills an empty account email, and a steps_enabled row is honoured", () => {
    const config = fromLegacyYoloFormData({
      ...LEGACY_ROW,
      account: { ...LEGACY_ROW.account, email: '' },
      email: 'accounts@kowhaiburgercolimi.example.nz',
      steps_enabled: { paymentConfig: false },
    });
    expect(config.email).toBe('accounts@kowhaiburgercolimi.example.nz');
    expect(config.steps_enabled.paymentConfig).toBe(false);
  });

  test('a row with bad values is rejected naming the fields', () => {
    expect(() =>
      fromLegacyYoloFormData({
        ...LEGACY_ROW,
        account: { ...LEGACY_ROW.account, phone: '12' },
        website: { ...LEGACY_ROW.website, theme: 'neon' },
      }),
    ).toThrowError(
      /phone: "12" is not a valid New Zealand phone number; settings\.website_theme: "neon" is not one of "light", "dark"/,
    );
    expect(() => fromLegacyYoloFormData({ account: 'x' })).toThrowError(ExecutionConfigError);
  });
});

const LEAD: RestaurantFacts = RestaurantFactsSchema.parse({
  id: 'd5b3c1c2-0000-4000-8000-000000000017',
  name: 'Pōneke Pizza Co',
  address: '30 Courtenay Place, Te Aro',
  city: 'Wellington',
  phone: '022 555 0203',
  email: 'owner3@pōnekepizzaco.example.nz',
  website_url: 'https://pōnekepizzaco.example.nz',
  cuisine: ['pizza'],
  opening_hours_text: 'Mon-Sun 11:00-21:00',
  primary_color: '#3F92FF',
  secondary_color: '223851',
  facebook_url: 'facebook.com/ponekepizza',
});

const COMPANY: CompanyDetails = {
  company_name: 'PŌNEKE PIZZA CO LIMITED',
  company_number: '1039859',
  nzbn: '9429040013886',
  status: 'Registered',
  directors: [
    { name: 'Ana Lee', full_name: 'Ana Mere LEE', position: 'Director', status: 'Ceased' },
    { name: 'Tom Ngata', full_name: 'Tom Hemi NGATA', position: 'Director', status: 'Current' },
  ],
  nzbn_details: {
    emails: ['accounts@ponekepizza.example.nz'],
    phones: ['+64 4 555 1039'],
    gst_numbers: ['100-123-456'],
  },
};

/** The reference step 4's handler returns for the password it generated and sealed. */
const GENERATED = { secret_ref: '0b6f0a52-3c1e-4f7e-9a41-2d5c8e7f1a90' };

describe("step 4's defaults", () => {
  test('are derived from the lead and the company, normalised, and validate', () => {
    const draft = defaultExecutionConfig(LEAD, COMPANY, { accountPasswordRef: GENERATED });
    expect(draft.email).toBe('owner3@xn--pnekepizzaco-ggc.example.nz');
    expect(draft.password).toEqual(GENERATED);
    expect(draft.phone).toBe('+64225550203');
    expect(draft.gst_number).toBe('100-123-456');
    expect(draft.settings).toMatchObject({
      website_theme: 'dark',
      primary_color: '#3f92ff',
      secondary_color: '#223851',
      cuisines: ['pizza'],
      nav_text_color: 'white',
      configure_header: false,
      header_image: null,
      facebook_url: 'https://facebook.com/ponekepizza',
    });
    expect(draft.restaurant).toEqual({
      name: 'Pōneke Pizza Co',
      phone: '+64225550203',
      address: '30 Courtenay Place, Te Aro',
      city: 'Wellington',
      subdomain: 'poneke-pizza-co',
      opening_hours: parseOpeningHours('Mon-Sun 11:00-21:00'),
    });
    expect(draft.onboarding).toEqual({
      user_name: 'Tom Hemi NGATA',
      user_email: 'owner3@xn--pnekepizzaco-ggc.example.nz',
      user_password: GENERATED,
    });
    expect(normaliseExecutionConfig(draft)).toEqual(draft);
  });

  test("without a usable lead email the NZBN record's is used; without any the draft says so and does not validate", () => {
    const noEmail = { ...LEAD, email: 'not-an-email' };
    expect(defaultExecutionConfig(noEmail, COMPANY).email).toBe('accounts@ponekepizza.example.nz');
    const draft = defaultExecutionConfig(noEmail, null, { accountPasswordRef: GENERATED });
    expect(draft.email).toBeNull();
    expect(draft.gst_number).toBeNull();
    expect(draft.onboarding.user_name).toBeNull();
    expect(issuesOf(draft)).toEqual(['email: expected string, got null']);
  });

  test("a light theme uses the secondary colour for text; a header image source is picked as the original's form did", () => {
    const draft = defaultExecutionConfig(
      {
        ...LEAD,
        theme: 'light',
        facebook_cover_image: 'https://img.example.nz/cover.jpg',
        ubereats_og_image: 'https://img.example.nz/og.jpg',
      },
      COMPANY,
    );
    expect(draft.settings).toMatchObject({
      website_theme: 'light',
      nav_text_color: 'secondary',
      card_text_color: 'secondary',
      configure_header: true,
      header_image: 'facebook_cover_image',
    });
  });

  test.each([
    ['Kōwhai Burger Co (Ponsonby)', 'kowhai-burger-co'],
    ["Smokey T's BBQ", 'smokey-t-s-bbq'],
    ['Noi', 'order-noi'],
    ['88', 'order-88'],
  ])("the original's subdomain rule: %j → %j", (name, subdomain) => {
    expect(defaultSubdomain(name)).toBe(subdomain);
  });

  test('a stored user email wins over derived ones; a stored password hint never enters the facts or the defaults', () => {
    const facts = RestaurantFactsSchema.parse({ ...LEAD, user_email: 'Login@Example.nz', user_password_hint: 'kept-secret-1' });
    expect(JSON.stringify(facts)).not.toContain('kept-secret-1');
    const draft = defaultExecutionConfig(facts, COMPANY, { accountPasswordRef: GENERATED });
    expect(draft.email).toBe('login@example.nz');
    expect(draft.password).toEqual(GENERATED);
    expect(JSON.stringify(draft)).not.toContain('kept-secret-1');
  });

  test('without a generated reference the password is left for a person to supply: never derived from the name', () => {
    const draft = defaultExecutionConfig({ ...LEAD, name: 'Kōwhai Burger Co (Ponsonby)' }, COMPANY);
    expect(draft.password).toBeNull();
    expect(draft.onboarding.user_password).toBeNull();
    expect(JSON.stringify(draft)).not.toMatch(/789!/);
    expect(issuesOf(draft)).toEqual(['password: expected string, got null']);
  });
});

describe('secrets', () => {
  test('SECRET_PATHS lists every place a password lives, and references replace them without loss', () => {
    expect(SECRET_PATHS).toEqual([['password'], ['onboarding', 'user_password']]);
    const config = normaliseExecutionConfig({
      ...SEED_EXAMPLE,
      onboarding: { user_password: 'second-secret' },
    });
    const stored = new Map<string, string>();
    const swapped = mapSecrets(config, (value, path) => {
      const ref = `ref-${path.join('.')}`;
      stored.set(ref, value as string);
      return { secret_ref: ref };
    });
    const text = JSON.stringify(swapped);
    expect(text).not.toContain('generated_password');
    expect(text).not.toContain('second-secret');
    expect(isSecretRef(swapped.password)).toBe(true);
    // A configuration holding references is still valid, and swapping back restores it exactly.
    expect(normaliseExecutionConfig(swapped)).toEqual(swapped);
    const restored = mapSecrets(
      swapped,
      (value) => stored.get((value as { secret_ref: string }).secret_ref) as string,
    );
    expect(restored).toEqual(config);
    expect(config.password).toBe('generated_password');
  });
});

describe('restaurant facts', () => {
  test('stored hours in the original shapes are read, and unreadable ones become null instead of failing the record', () => {
    const base = { id: 'r1', name: 'Noi Thai Kitchen' };
    expect(
      RestaurantFactsSchema.parse({ ...base, opening_hours: { tue: '17:00-21:30' } }).opening_hours,
    ).toEqual([{ day: 'Tuesday', open: '17:00', close: '21:30' }]);
    expect(
      RestaurantFactsSchema.parse({ ...base, opening_hours: 'Tue-Sun 17:00-21:30' }).opening_hours,
    ).toHaveLength(6);
    expect(RestaurantFactsSchema.parse({ ...base, opening_hours: 'whenever', theme: 'neon' })).toMatchObject({
      opening_hours: null,
      theme: null,
    });
    expect(RestaurantFactsSchema.safeParse({ id: 'r2', name: '' }).success).toBe(false);
  });
});
