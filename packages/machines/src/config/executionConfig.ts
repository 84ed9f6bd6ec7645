// ExecutionConfig: the one schema for registration_jobs.execution_config (seed shape, extended in its style), the
// folding of the seed's flags and the original's YoloModeFormData into `steps_enabled`, and the defaults of step 4.
import { z } from 'zod';
import { SUB_STEP_KEYS } from '../domain';
import type { SubStepKey } from '../domain';
import type { RestaurantFacts } from '../restaurant';
import type { CompanyDetails } from '../matching/types';
import { cleanRestaurantName } from '../matching/normalise';
import { restaurantCity } from '../matching/queries';
import { coerceOpeningHours, openingHoursSchema } from './openingHours';
import type { OpeningHours } from './openingHours';
import { emailSchema, hexColourSchema, nzPhoneSchema } from './fields';

export const EXECUTION_CONFIG_VERSION = 1;

// ---------------------------------------------------------------------------------------------------------------
// Building blocks

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** A nullable field: missing, null and blank text all mean "not set". */
function nullable<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (isBlank(value) ? null : value), schema.nullable());
}

/**
 * A reference to a secret the engine stored encrypted (DESIGN §4). Configuration arriving from a person carries
 * plain text; the engine swaps every value at {@link SECRET_PATHS} for `{ secret_ref }` before the machine sees it.
 */
export const SecretRefSchema = z.object({ secret_ref: z.string().min(1) });
export type SecretRef = z.infer<typeof SecretRefSchema>;

export const secretSchema = z.union([
  z
    .string()
    .min(1, { error: 'must not be empty' })
    .refine((s) => s.trim() === s, {
      error: 'must not start or end with a space',
    }),
  SecretRefSchema,
]);
export type SecretValue = z.infer<typeof secretSchema>;

export function isSecretRef(value: unknown): value is SecretRef {
  return SecretRefSchema.safeParse(value).success;
}

const httpUrlSchema = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const withScheme = /^https?:\/\//i.test(value) ? value : `https://${value}`;
    if (!/^https?:\/\/[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$/i.test(withScheme)) {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(value)} is not a web address`,
        input: value,
      });
      return z.NEVER;
    }
    return withScheme;
  });

export const THEMES = ['light', 'dark'] as const;
export const ITEM_LAYOUTS = ['card', 'list'] as const;
export const REGISTRATION_MODES = [
  'existing_account_first_restaurant',
  'existing_account_additional_restaurant',
] as const;

/** Restaurant columns a logo can come from. The seed's and the original form's short names are accepted. */
export const LOGO_SOURCES = [
  'logo_nobg_url',
  'logo_url',
  'logo_standard_url',
  'logo_favicon_url',
  'logo_thermal_url',
  'logo_thermal_alt_url',
  'logo_thermal_contrast_url',
  'logo_thermal_adaptive_url',
] as const;
const LOGO_ALIASES: Record<string, (typeof LOGO_SOURCES)[number]> = {
  logo_no_bg: 'logo_nobg_url',
  logo_nobg: 'logo_nobg_url',
  nobg: 'logo_nobg_url',
  logo: 'logo_url',
  original: 'logo_url',
  standard: 'logo_standard_url',
  logo_standard: 'logo_standard_url',
  favicon: 'logo_favicon_url',
  logo_favicon: 'logo_favicon_url',
  thermal: 'logo_thermal_url',
};

/** Restaurant columns a header image can come from. */
export const HEADER_IMAGE_SOURCES = [
  'website_og_image',
  'facebook_cover_image',
  'ubereats_og_image',
  'doordash_og_image',
] as const;
const HEADER_ALIASES: Record<string, (typeof HEADER_IMAGE_SOURCES)[number]> = {
  website: 'website_og_image',
  facebook: 'facebook_cover_image',
  ubereats: 'ubereats_og_image',
  doordash: 'doordash_og_image',
};

function aliased<const T extends readonly [string, ...string[]]>(
  values: T,
  aliases: Record<string, T[number]>,
) {
  return z.preprocess(
    (value) => (typeof value === 'string' ? (aliases[value.trim().toLowerCase()] ?? value.trim()) : value),
    z.enum(values),
  );
}

export const NAMED_COLOURS = ['primary', 'secondary', 'white', 'black'] as const;

/** A text colour: one of the theme's named colours or a hex colour. */
export const textColourSchema = z.preprocess(
  (value) => (typeof value === 'string' ? value.trim().toLowerCase() : value),
  z.union([z.enum(NAMED_COLOURS), hexColourSchema]),
);

/** A logo tint: `false` (none; the original form wrote "none"), a named colour or a hex colour. */
export const tintSchema = z.preprocess(
  (value) =>
    isBlank(value) || value === 'none' || value === null
      ? false
      : typeof value === 'string'
        ? value.trim().toLowerCase()
        : value,
  z.union([z.literal(false), z.enum(NAMED_COLOURS), hexColourSchema]),
);

/** Cuisines as a list; the seed's example writes `{}`, which is read as none. */
const cuisinesSchema = z.preprocess(
  (value) => {
    if (isBlank(value)) return [];
    if (typeof value === 'string')
      return value
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean);
    if (typeof value === 'object' && !Array.isArray(value))
      return Object.values(value as object).filter((v) => typeof v === 'string');
    return value;
  },
  z.array(z.string().trim().min(1)),
);

const money = z.number().finite().nonnegative();
const minutes = z
  .number()
  .int()
  .min(0)
  .max(24 * 60);

// ---------------------------------------------------------------------------------------------------------------
// The schema

const stepsEnabledShape = Object.fromEntries(
  SUB_STEP_KEYS.map((key) => [key, z.boolean().default(true)]),
) as {
  [K in SubStepKey]: z.ZodDefault<z.ZodBoolean>;
};
export const StepsEnabledSchema = z.object(stepsEnabledShape);
export type StepsEnabled = Record<SubStepKey, boolean>;

export const SettingsSchema = z.object({
  // The seed's settings.
  first_restaurant_for_account: z.boolean().default(true),
  /** Id of the `menus` row to import; null: the restaurant's newest menu. */
  menu_to_import: nullable(z.string().trim()).default(null),
  website_theme: z.enum(THEMES).default('dark'),
  cuisines: cuisinesSchema.default([]),
  primary_color: hexColourSchema.default('#000000'),
  secondary_color: hexColourSchema.default('#ffffff'),
  disable_gradients: z.boolean().default(false),
  configure_header: z.boolean().default(false),
  header_image: nullable(aliased(HEADER_IMAGE_SOURCES, HEADER_ALIASES)).default(null),
  header_logo_source: aliased(LOGO_SOURCES, LOGO_ALIASES).default('logo_nobg_url'),
  header_logo_dark_tint: tintSchema.default(false),
  header_logo_light_tint: tintSchema.default(false),
  nav_logo_source: aliased(LOGO_SOURCES, LOGO_ALIASES).default('logo_nobg_url'),
  nav_logo_dark_tint: tintSchema.default(false),
  nav_logo_light_tint: tintSchema.default(false),
  nav_text_color: textColourSchema.default('white'),
  card_text_color: textColourSchema.default('white'),
  item_layout: z.enum(ITEM_LAYOUTS).default('card'),
  favicon_source: aliased(LOGO_SOURCES, LOGO_ALIASES).default('logo_favicon_url'),
  include_stripe_connect_link: z.boolean().default(false),
  // Extensions, in the same style: fonts, SEO, social links and custom code of the website settings.
  heading_font: z.string().trim().min(1).default('Gabarito'),
  body_font: z.string().trim().min(1).default('Gabarito'),
  /** null: the flow writes "<name> <location> - Order Online for Delivery or Pickup", as the original did. */
  seo_title: nullable(z.string().trim().max(120)).default(null),
  seo_description: nullable(z.string().trim().max(320)).default(null),
  instagram_url: nullable(httpUrlSchema).default(null),
  facebook_url: nullable(httpUrlSchema).default(null),
  /** null: the code codeGeneration produced is used. */
  custom_head_code: nullable(z.string()).default(null),
  custom_body_code: nullable(z.string()).default(null),
});

/** What restaurantRegistration types into the portal. Null fields fall back to the restaurant record. */
export const RestaurantSettingsSchema = z.object({
  name: nullable(z.string().trim().min(1)).default(null),
  phone: nullable(nzPhoneSchema).default(null),
  address: nullable(z.string().trim().min(1)).default(null),
  city: nullable(z.string().trim().min(1)).default(null),
  subdomain: nullable(
    z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9](?:[a-z0-9-]{2,61}[a-z0-9])$/, {
        error: (issue) =>
          `${JSON.stringify(issue.input)} is not a subdomain (4–63 letters, digits or hyphens)`,
      }),
  ).default(null),
  /** Empty: the restaurant record's hours. */
  opening_hours: openingHoursSchema.default([]),
});

export const ServicesSchema = z
  .object({
    pickup_enabled: z.boolean().default(true),
    delivery_enabled: z.boolean().default(true),
    dine_in_enabled: z.boolean().default(false),
    table_bookings_enabled: z.boolean().default(false),
    minimum_order: money.default(2),
    first_order_offset_minutes: minutes.default(0),
    last_order_offset_minutes: minutes.default(15),
    max_days_ahead: z.number().int().min(0).max(365).default(8),
    time_till_confirm_minutes: minutes.default(1),
    time_till_ready_minutes: minutes.default(15),
    time_till_on_route_minutes: minutes.default(10),
    time_till_complete_minutes: minutes.default(30),
  })
  .refine((s) => s.pickup_enabled || s.delivery_enabled || s.dine_in_enabled || s.table_bookings_enabled, {
    error: 'at least one service (pickup, delivery, dine-in, table bookings) must be enabled',
    path: ['pickup_enabled'],
  });

export const PaymentSchema = z
  .object({
    currency: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{3}$/, {
        error: (issue) => `${JSON.stringify(issue.input)} is not a currency code like NZD`,
      })
      .default('NZD'),
    label: z.string().trim().min(1).default('Stripe'),
    minimum_order: money.default(2),
    maximum_order: money.default(9999),
  })
  .refine((p) => p.minimum_order <= p.maximum_order, {
    error: 'minimum_order must not exceed maximum_order',
    path: ['minimum_order'],
  });

/** The onboarding user. Null name: the restaurant's contact name; null email and password: the account's. */
export const OnboardingSchema = z.object({
  user_name: nullable(z.string().trim().min(1)).default(null),
  user_email: nullable(emailSchema).default(null),
  user_password: nullable(secretSchema).default(null),
});

const objectDefault = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === undefined || v === null ? {} : v), schema);

/** The fields of the canonical execution_config as a plain object schema (`.shape` for forms). */
export const ExecutionConfigObjectSchema = z.object({
  config_version: z.literal(EXECUTION_CONFIG_VERSION).default(EXECUTION_CONFIG_VERSION),
  /** The platform account's login. */
  email: emailSchema,
  password: secretSchema,
  phone: nullable(nzPhoneSchema).default(null),
  /** A prepared menu CSV (the seed's field); null: generated from the menu at import time. */
  csv_path: nullable(z.string().trim()).default(null),
  /** From the NZBN record (step 4). */
  gst_number: nullable(z.string().trim()).default(null),
  /** The one switch per sub-step. */
  steps_enabled: objectDefault(StepsEnabledSchema),
  settings: objectDefault(SettingsSchema),
  restaurant: objectDefault(RestaurantSettingsSchema),
  services: objectDefault(ServicesSchema),
  payment: objectDefault(PaymentSchema),
  onboarding: objectDefault(OnboardingSchema),
});

/** The canonical execution_config, without the folding of legacy input (see {@link ExecutionConfigSchema}). */
export const CanonicalExecutionConfigSchema = ExecutionConfigObjectSchema
  // The original's form defaulted the onboarding user's login to the account's; normalising writes it out.
  .transform((config) => ({
    ...config,
    onboarding: {
      ...config.onboarding,
      user_email: config.onboarding.user_email ?? config.email,
      user_password: config.onboarding.user_password ?? config.password,
    },
  }));

/** The normalised execution_config. */
export type ExecutionConfig = z.output<typeof CanonicalExecutionConfigSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Secrets

/** Where passwords live in an ExecutionConfig, as key paths. The engine swaps the values there for references. */
export const SECRET_PATHS: readonly (readonly string[])[] = [['password'], ['onboarding', 'user_password']];

/** Applies `swap` to every secret value (plain or reference) present at {@link SECRET_PATHS}; returns a copy. */
export function mapSecrets<T extends object>(
  config: T,
  swap: (value: SecretValue, path: readonly string[]) => SecretValue,
): T {
  const copy = structuredCloneJson(config);
  for (const path of SECRET_PATHS) {
    let parent: Record<string, unknown> | undefined = copy as Record<string, unknown>;
    for (const key of path.slice(0, -1)) {
      const next: unknown = parent?.[key];
      parent = next && typeof next === 'object' ? (next as Record<string, unknown>) : undefined;
    }
    const last = path[path.length - 1] as string;
    const value = parent?.[last];
    if (parent && (typeof value === 'string' || isSecretRef(value)))
      parent[last] = swap(value as SecretValue, path);
  }
  return copy;
}

function structuredCloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

// ---------------------------------------------------------------------------------------------------------------
// The original's YoloModeFormData (reference §3.6)

const looseText = z.string().nullish();
const looseBool = z.boolean().nullish();

/** The original's `YoloModeFormData`, read leniently: every field may be missing, null or empty. */
export const LegacyYoloModeFormDataSchema = z.looseObject({
  account: z
    .looseObject({ registerNewUser: looseBool, email: looseText, password: looseText, phone: looseText })
    .nullish(),
  restaurant: z
    .looseObject({
      registrationMode: looseText,
      name: looseText,
      phone: looseText,
      address: looseText,
      city: looseText,
      subdomain: looseText,
      opening_hours: z.unknown().optional(),
    })
    .nullish(),
  menu: z
    .looseObject({
      selectedMenuId: looseText,
      uploadImages: looseBool,
      addOptionSets: looseBool,
      addItemTags: looseBool,
    })
    .nullish(),
  website: z
    .looseObject({
      theme: looseText,
      cuisines: z.unknown().optional(),
      primaryColor: looseText,
      secondaryColor: looseText,
      disableGradients: looseBool,
      configureHeader: looseBool,
      headerImageSource: looseText,
      headerLogoSource: looseText,
      headerLogoDarkTint: z.unknown().optional(),
      headerLogoLightTint: z.unknown().optional(),
      navLogoSource: looseText,
      navLogoDarkTint: z.unknown().optional(),
      navLogoLightTint: z.unknown().optional(),
      navTextColor: looseText,
      navTextCustomColor: looseText,
      cardTextColor: looseText,
      cardTextCustomColor: looseText,
      faviconSource: looseText,
      itemLayout: looseText,
    })
    .nullish(),
  payment: z.looseObject({ includeStripeLink: looseBool }).nullish(),
  onboarding: z
    .looseObject({
      createOnboardingUser: looseBool,
      syncOnboardingRecord: looseBool,
      userName: looseText,
      userEmail: looseText,
      userPassword: looseText,
    })
    .nullish(),
  steps_enabled: z.record(z.string(), z.boolean()).nullish(),
  email: looseText,
  gst_number: looseText,
});
export type LegacyYoloModeFormData = z.infer<typeof LegacyYoloModeFormDataSchema>;

/** Whether a stored execution_config is the original's YoloModeFormData rather than the seed's shape. */
export function isLegacyYoloFormData(raw: unknown): boolean {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return false;
  const r = raw as Record<string, unknown>;
  const has = (group: string, keys: string[]) => {
    const value = r[group];
    return !!value && typeof value === 'object' && keys.some((k) => k in (value as object));
  };
  return (
    'account' in r ||
    'website' in r ||
    'menu' in r ||
    has('restaurant', ['registrationMode']) ||
    has('payment', ['includeStripeLink']) ||
    has('onboarding', [
      'createOnboardingUser',
      'syncOnboardingRecord',
      'userName',
      'userEmail',
      'userPassword',
    ])
  );
}

function tintFromLegacy(value: unknown): unknown {
  return value === 'none' ? false : value;
}

function textColourFromLegacy(choice: string | null | undefined, custom: string | null | undefined): unknown {
  if (choice === 'custom') return custom ?? undefined;
  return isBlank(choice) ? undefined : choice;
}

function dropUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  );
}

/**
 * Converts a legacy row into the raw (not yet validated) seed-style shape. The original's skip rules (reference
 * §1.3) become `steps_enabled` switches: no account registration, no onboarding user, no selected menu, option sets
 * or item tags turned off.
 */
function legacyToRaw(legacy: LegacyYoloModeFormData): Record<string, unknown> {
  const account = legacy.account ?? {};
  const restaurant = legacy.restaurant ?? {};
  const menu = legacy.menu ?? {};
  const website = legacy.website ?? {};
  const onboarding = legacy.onboarding ?? {};
  const hasMenu = !isBlank(menu.selectedMenuId);
  const legacySwitches: Partial<Record<SubStepKey, boolean>> = {
    cloudwaitressAccount: account.registerNewUser !== false,
    createOnboardingUser: onboarding.createOnboardingUser === true,
    uploadImages: hasMenu && menu.uploadImages !== false,
    menuImport: hasMenu,
    syncOnboardingUser: onboarding.syncOnboardingRecord === true,
    optionSets: hasMenu && menu.addOptionSets !== false,
    itemTags: hasMenu && menu.addItemTags !== false,
  };
  const steps: Record<string, boolean> = {};
  for (const key of SUB_STEP_KEYS) {
    steps[key] = legacy.steps_enabled?.[key] !== false && legacySwitches[key] !== false;
  }
  return {
    email: isBlank(account.email) ? legacy.email : account.email,
    password: account.password,
    phone: isBlank(account.phone) ? restaurant.phone : account.phone,
    gst_number: legacy.gst_number,
    steps_enabled: steps,
    settings: dropUndefined({
      first_restaurant_for_account: restaurant.registrationMode !== 'existing_account_additional_restaurant',
      menu_to_import: menu.selectedMenuId,
      website_theme: website.theme,
      cuisines: website.cuisines,
      primary_color: website.primaryColor,
      secondary_color: website.secondaryColor,
      disable_gradients: website.disableGradients,
      configure_header: website.configureHeader,
      header_image: website.headerImageSource,
      header_logo_source: website.headerLogoSource,
      header_logo_dark_tint: tintFromLegacy(website.headerLogoDarkTint),
      header_logo_light_tint: tintFromLegacy(website.headerLogoLightTint),
      nav_logo_source: website.navLogoSource,
      nav_logo_dark_tint: tintFromLegacy(website.navLogoDarkTint),
      nav_logo_light_tint: tintFromLegacy(website.navLogoLightTint),
      nav_text_color: textColourFromLegacy(website.navTextColor, website.navTextCustomColor),
      card_text_color: textColourFromLegacy(website.cardTextColor, website.cardTextCustomColor),
      item_layout: website.itemLayout,
      favicon_source: website.faviconSource,
      include_stripe_connect_link: legacy.payment?.includeStripeLink ?? undefined,
    }),
    restaurant: {
      name: restaurant.name,
      phone: restaurant.phone,
      address: restaurant.address,
      city: restaurant.city,
      subdomain: restaurant.subdomain,
      opening_hours: coerceOpeningHours(restaurant.opening_hours),
    },
    onboarding: {
      user_name: onboarding.userName,
      user_email: onboarding.userEmail,
      user_password: onboarding.userPassword,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Normalisation

/** The seed's flags that duplicate a sub-step's switch; folded into `steps_enabled` and then dropped. */
export const FOLDED_SETTINGS: Readonly<Record<string, SubStepKey>> = {
  register_new_cloudwaitress_account: 'cloudwaitressAccount',
  import_menu_immediately: 'menuImport',
  auto_configure_services: 'servicesConfig',
};

/**
 * Folds raw input into the canonical shape before validation: a legacy YoloModeFormData row is converted, and the
 * seed's flags are folded into `steps_enabled` (a sub-step runs only if no switch or flag turns it off).
 */
export function foldExecutionConfigInput(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  let input = raw as Record<string, unknown>;
  if (isLegacyYoloFormData(input)) {
    const legacy = LegacyYoloModeFormDataSchema.safeParse(input);
    if (legacy.success) input = legacyToRaw(legacy.data);
  }
  const settings = input.settings;
  if (!settings || typeof settings !== 'object' || Array.isArray(settings)) return input;
  const rest: Record<string, unknown> = { ...(settings as Record<string, unknown>) };
  const stepsRaw = input.steps_enabled;
  const steps: Record<string, unknown> =
    stepsRaw && typeof stepsRaw === 'object' && !Array.isArray(stepsRaw)
      ? { ...(stepsRaw as Record<string, unknown>) }
      : {};
  for (const [flag, key] of Object.entries(FOLDED_SETTINGS)) {
    if (!(flag in rest)) continue;
    if (rest[flag] === false) steps[key] = false;
    else if (rest[flag] !== true && rest[flag] !== undefined && rest[flag] !== null) {
      // Keep an unusable flag's value visible to validation rather than guessing.
      steps[key] = rest[flag];
    }
    delete rest[flag];
  }
  return { ...input, settings: rest, steps_enabled: steps };
}

/**
 * The schema for registration_jobs.execution_config. Accepts the seed's shape (its flags folded into
 * `steps_enabled`), the canonical shape, and the original's YoloModeFormData; outputs the canonical shape.
 * The web form validates with this same schema.
 */
export const ExecutionConfigSchema = z.preprocess(foldExecutionConfigInput, CanonicalExecutionConfigSchema);

export interface ConfigIssue {
  /** Dotted field path, e.g. "settings.primary_color". */
  path: string;
  message: string;
}

/** A configuration that does not validate; `issues` name each field and what is wrong with it. */
export class ExecutionConfigError extends Error {
  readonly code = 'invalid_execution_config';
  readonly retryable = false;
  constructor(readonly issues: ConfigIssue[]) {
    super(
      `invalid execution config: ${issues.map((i) => `${i.path || '(config)'}: ${i.message}`).join('; ')}`,
    );
    this.name = 'ExecutionConfigError';
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  if (issue.code === 'invalid_type' && input === undefined) return 'required';
  if (issue.code === 'invalid_type') return `expected ${issue.expected}, got ${JSON.stringify(input)}`;
  if (issue.code === 'invalid_value') {
    return `${JSON.stringify(input)} is not one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (issue.code === 'invalid_union') {
    // Report the branch that got furthest; for our unions that is the field's own message.
    const branch = issue.errors.find((errs) => errs.some((e) => e.code === 'custom')) ?? issue.errors[0];
    const first = branch?.[0];
    if (first) return describeIssue(first);
  }
  return issue.message;
}

/** Issues of a failed parse, each with a dotted path and a message naming the value. */
export function configIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: describeIssue(issue),
  }));
}

export type NormaliseResult =
  { ok: true; config: ExecutionConfig } | { ok: false; error: ExecutionConfigError };

export function safeNormaliseExecutionConfig(raw: unknown): NormaliseResult {
  const result = ExecutionConfigSchema.safeParse(raw, { reportInput: true });
  return result.success
    ? { ok: true, config: result.data }
    : { ok: false, error: new ExecutionConfigError(configIssues(result.error)) };
}

/** Validates and normalises any accepted input shape; throws {@link ExecutionConfigError} naming the fields. */
export function normaliseExecutionConfig(raw: unknown): ExecutionConfig {
  const result = safeNormaliseExecutionConfig(raw);
  if (!result.ok) throw result.error;
  return result.config;
}

/** Converts an original YoloModeFormData row (reference §3.6) into a normalised ExecutionConfig. */
export function fromLegacyYoloFormData(row: unknown): ExecutionConfig {
  const legacy = LegacyYoloModeFormDataSchema.safeParse(row, { reportInput: true });
  if (!legacy.success) throw new ExecutionConfigError(configIssues(legacy.error));
  return normaliseExecutionConfig(legacyToRaw(legacy.data));
}

/** Whether a sub-step is switched on: the only question `enabledWhen` asks. */
export function isStepEnabled(config: Pick<ExecutionConfig, 'steps_enabled'>, key: SubStepKey): boolean {
  return config.steps_enabled[key];
}

// ---------------------------------------------------------------------------------------------------------------
// Defaults (step 4)

/** An ExecutionConfig that may still lack what no record supplied (the account email or password). */
export type ExecutionConfigDraft = Omit<ExecutionConfig, 'email' | 'password' | 'onboarding'> & {
  email: ExecutionConfig['email'] | null;
  password: ExecutionConfig['password'] | null;
  onboarding: {
    user_name: string | null;
    user_email: ExecutionConfig['email'] | null;
    user_password: ExecutionConfig['password'] | null;
  };
};

function first<T>(schema: z.ZodType<T>, values: readonly unknown[]): T | null {
  for (const value of values) {
    if (isBlank(value)) continue;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
  }
  return null;
}

/**
 * What the host generated for step 4's defaults (DESIGN §4): the machine is pure, so it never makes up a password;
 * the `company.details` handler generates one, seals it, and its output carries only the reference.
 */
export interface GeneratedDefaults {
  /** The account password the step-4 handler sealed (`{ secret_ref }`); absent: a person supplies one in step 5. */
  readonly accountPasswordRef?: SecretRef | null;
}

/** The subdomain the original proposed: lower case, non-alphanumerics as hyphens, padded to 4 characters. */
export function defaultSubdomain(restaurantName: string): string | null {
  const slug = cleanRestaurantName(restaurantName)
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  if (slug === '') return null;
  return slug.length < 4 ? `order-${slug}` : slug;
}

function restaurantHours(restaurant: RestaurantFacts): OpeningHours {
  for (const value of [restaurant.opening_hours, restaurant.opening_hours_text]) {
    if (isBlank(value)) continue;
    const parsed = openingHoursSchema.safeParse(coerceOpeningHours(value));
    if (parsed.success && parsed.data.length > 0) return parsed.data;
  }
  return [];
}

function currentDirector(company: CompanyDetails | null | undefined): string | null {
  const directors = company?.directors ?? [];
  const current = directors.find((d) => !d.status || /current|active/i.test(d.status)) ?? null;
  return current ? (current.full_name ?? current.name) : null;
}

/**
 * Step 4's configuration defaults, derived as the original's form did (reference §2.3 step 5): the account email
 * from the restaurant, else its NZBN record; the password only as the reference the host generated (never the
 * original's name-derived rule, which put a guessable plaintext password in snapshots and events); phone, colours, theme, cuisines, header
 * image and hours from the restaurant; the GST number and a director's name from the company. Every value is
 * already normalised; what cannot be derived is null, and the result validates once a person supplies it.
 */
export function defaultExecutionConfig(
  restaurant: RestaurantFacts,
  company: CompanyDetails | null | undefined,
  generated: GeneratedDefaults = {},
): ExecutionConfigDraft {
  const nzbn = company?.nzbn_details ?? null;
  const email = first(emailSchema, [
    restaurant.user_email,
    restaurant.email,
    restaurant.contact_email,
    nzbn?.email,
    ...(nzbn?.emails ?? []),
  ]);
  const ref = generated.accountPasswordRef;
  const password: SecretRef | null = ref && isSecretRef(ref) ? { secret_ref: ref.secret_ref } : null;
  const phone = first(nzPhoneSchema, [
    restaurant.phone,
    restaurant.contact_phone,
    nzbn?.phone,
    ...(nzbn?.phones ?? []),
  ]);
  const theme = restaurant.theme === 'light' ? 'light' : 'dark';
  const headerSource = HEADER_IMAGE_SOURCES.find((source) => !isBlank(restaurant[source])) ?? null;
  const textColour = theme === 'light' ? 'secondary' : 'white';
  const draft = {
    config_version: EXECUTION_CONFIG_VERSION,
    email,
    password,
    phone,
    csv_path: null,
    gst_number: first(z.string().trim().min(1), [
      nzbn?.gst_number,
      ...(nzbn?.gst_numbers ?? []),
      restaurant.gst_number,
    ]),
    steps_enabled: Object.fromEntries(SUB_STEP_KEYS.map((key) => [key, true])) as StepsEnabled,
    settings: {
      first_restaurant_for_account: true,
      menu_to_import: null,
      website_theme: theme,
      cuisines: (restaurant.cuisine ?? []).map((c) => c.trim()).filter(Boolean),
      primary_color: first(hexColourSchema, [restaurant.primary_color]) ?? '#000000',
      secondary_color: first(hexColourSchema, [restaurant.secondary_color]) ?? '#ffffff',
      disable_gradients: false,
      configure_header: headerSource !== null,
      header_image: headerSource,
      header_logo_source: 'logo_nobg_url',
      header_logo_dark_tint: false,
      header_logo_light_tint: false,
      nav_logo_source: 'logo_nobg_url',
      nav_logo_dark_tint: false,
      nav_logo_light_tint: false,
      nav_text_color: textColour,
      card_text_color: textColour,
      item_layout: 'card',
      favicon_source: 'logo_favicon_url',
      include_stripe_connect_link: false,
      heading_font: 'Gabarito',
      body_font: 'Gabarito',
      seo_title: null,
      seo_description: null,
      instagram_url: first(httpUrlSchema, [restaurant.instagram_url]),
      facebook_url: first(httpUrlSchema, [restaurant.facebook_url]),
      custom_head_code: null,
      custom_body_code: null,
    },
    restaurant: {
      name: restaurant.name.trim(),
      phone,
      address: isBlank(restaurant.address) ? null : (restaurant.address as string).trim(),
      city: restaurantCity(restaurant) || null,
      subdomain:
        first(RestaurantSettingsSchema.shape.subdomain, [restaurant.subdomain]) ??
        defaultSubdomain(restaurant.name),
      opening_hours: restaurantHours(restaurant),
    },
    services: ServicesSchema.parse({}),
    payment: PaymentSchema.parse({}),
    onboarding: {
      user_name: isBlank(restaurant.contact_name)
        ? currentDirector(company)
        : (restaurant.contact_name as string).trim(),
      user_email: email,
      user_password: password,
    },
  } satisfies ExecutionConfigDraft;
  const checked = CanonicalExecutionConfigSchema.safeParse(draft);
  return checked.success ? checked.data : draft;
}
