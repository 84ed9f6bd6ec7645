// Flow inputs built from what the engine holds: the normalised ExecutionConfig (secrets already swapped
// for references), the restaurant's facts, and earlier sub-steps' outputs. Pure: no I/O, no defaults
// invented here that the config does not state (the original's values live in the config's defaults).
import { isSecretRef, type ExecutionConfig, type RestaurantFacts } from '@regbatch/machines';
import type { MenuCsvExport } from '../menu/export';
import type { Menu } from '../menu/model';
import type { OptionSet } from '../menu/optionSets';
import type { CloudwaitressAccountInput } from './cloudwaitressAccount';
import type { CodeGenerationInput } from './codeGeneration';
import type { AccountLogin, ImageInput } from './context';
import type { CreateOnboardingUserInput } from './createOnboardingUser';
import { FlowError } from './errors';
import { presetTagsFor, type ItemTagsInput } from './itemTags';
import type { MenuImportInput } from './menuImport';
import type { OptionSetsInput } from './optionSets';
import type { PaymentConfigInput } from './paymentConfig';
import type { RestaurantRegistrationInput } from './restaurantRegistration';
import type { ServicesConfigInput } from './servicesConfig';
import type { SyncOnboardingUserInput } from './syncOnboardingUser';
import { defaultSeo, type WebsiteConfigInput } from './websiteConfig';

function ref(value: unknown, what: string): string {
  if (isSecretRef(value)) return value.secret_ref;
  throw new FlowError('missing_input', `${what} must be a secret reference by the time a flow runs (the engine swaps plain passwords)`);
}

function need(value: string | null | undefined, what: string): string {
  if (!value || !value.trim()) throw new FlowError('missing_input', `${what} is missing`);
  return value.trim();
}

export function accountLogin(config: ExecutionConfig): AccountLogin {
  return { email: config.email, passwordRef: ref(config.password, 'password') };
}

export function cloudwaitressAccountInput(config: ExecutionConfig, r: RestaurantFacts): CloudwaitressAccountInput {
  return { email: config.email, phone: need(config.phone ?? r.phone, 'account phone'), passwordRef: ref(config.password, 'password') };
}

export function codeGenerationInput(config: ExecutionConfig, r: RestaurantFacts): CodeGenerationInput {
  const s = config.settings;
  return {
    restaurantName: config.restaurant.name ?? r.name,
    primaryColour: s.primary_color,
    secondaryColour: s.secondary_color,
    theme: s.website_theme,
    disableGradients: s.disable_gradients,
  };
}

export function createOnboardingUserInput(config: ExecutionConfig, r: RestaurantFacts): CreateOnboardingUserInput {
  const o = config.onboarding;
  return {
    name: need(o.user_name ?? r.contact_name ?? r.name, 'onboarding user name'),
    email: need(o.user_email ?? config.email, 'onboarding user email'),
    passwordRef: ref(o.user_password ?? config.password, 'onboarding.user_password'),
  };
}

export function restaurantRegistrationInput(
  config: ExecutionConfig,
  r: RestaurantFacts,
  platformRestaurantId: string | null = null,
): RestaurantRegistrationInput {
  const c = config.restaurant;
  const hours = c.opening_hours.length ? c.opening_hours : (r.opening_hours ?? []);
  if (hours.length === 0) throw new FlowError('missing_input', 'opening hours: neither the configuration nor the restaurant has any');
  return {
    account: accountLogin(config),
    platformRestaurantId,
    name: c.name ?? r.name,
    subdomain: c.subdomain ?? r.subdomain ?? null,
    address: need(c.address ?? r.address, 'restaurant address'),
    phone: need(c.phone ?? config.phone ?? r.phone, 'restaurant phone'),
    hours,
  };
}

export interface WebsiteImages {
  logo?: ImageInput | null;
  favicon?: ImageInput | null;
  headerBackground?: ImageInput | null;
  headerLogo?: ImageInput | null;
}

const NAMED: Record<string, (s: ExecutionConfig['settings']) => string> = {
  primary: (s) => s.primary_color,
  secondary: (s) => s.secondary_color,
  white: () => '#ffffff',
  black: () => '#000000',
};
function colour(value: string, s: ExecutionConfig['settings']): string {
  return NAMED[value]?.(s) ?? value;
}

export function websiteConfigInput(
  config: ExecutionConfig,
  r: RestaurantFacts,
  ctx: { platformRestaurantId: string; headCode?: string | null; bodyCode?: string | null; images?: WebsiteImages },
): WebsiteConfigInput {
  const s = config.settings;
  const seo = defaultSeo({ name: config.restaurant.name ?? r.name, address: config.restaurant.address ?? r.address ?? null, phone: r.phone ?? null, cuisines: s.cuisines.length ? s.cuisines : (r.cuisine ?? []) });
  return {
    account: accountLogin(config),
    platformRestaurantId: ctx.platformRestaurantId,
    theme: s.website_theme,
    primaryColour: s.primary_color,
    secondaryColour: s.secondary_color,
    navTextColour: colour(s.nav_text_color, s),
    cardTextColour: colour(s.card_text_color, s),
    headerEnabled: s.configure_header,
    itemLayout: s.item_layout,
    headingFont: s.heading_font,
    bodyFont: s.body_font,
    seoTitle: s.seo_title ?? seo.title,
    seoDescription: s.seo_description ?? seo.description,
    facebookUrl: s.facebook_url ?? r.facebook_url ?? null,
    instagramUrl: s.instagram_url ?? r.instagram_url ?? null,
    headCode: s.custom_head_code ?? ctx.headCode ?? null,
    bodyCode: s.custom_body_code ?? ctx.bodyCode ?? null,
    ...ctx.images,
  };
}

export function servicesConfigInput(config: ExecutionConfig, platformRestaurantId: string): ServicesConfigInput {
  const v = config.services;
  return {
    account: accountLogin(config),
    platformRestaurantId,
    services: {
      pickupEnabled: v.pickup_enabled,
      deliveryEnabled: v.delivery_enabled,
      dineInEnabled: v.dine_in_enabled,
      tableBookingsEnabled: v.table_bookings_enabled,
      minimumOrder: v.minimum_order,
      firstOrderOffsetMinutes: v.first_order_offset_minutes,
      lastOrderOffsetMinutes: v.last_order_offset_minutes,
      maxDaysAhead: v.max_days_ahead,
      timeTillConfirmMinutes: v.time_till_confirm_minutes,
      timeTillReadyMinutes: v.time_till_ready_minutes,
      timeTillOnRouteMinutes: v.time_till_on_route_minutes,
      timeTillCompleteMinutes: v.time_till_complete_minutes,
    },
  };
}

export function paymentConfigInput(config: ExecutionConfig, platformRestaurantId: string): PaymentConfigInput {
  const p = config.payment;
  return {
    account: accountLogin(config),
    platformRestaurantId,
    includeConnectLink: config.settings.include_stripe_connect_link,
    currency: p.currency,
    label: p.label,
    minimumOrder: p.minimum_order,
    maximumOrder: p.maximum_order,
  };
}

export function menuImportInput(config: ExecutionConfig, platformRestaurantId: string, exported: MenuCsvExport): MenuImportInput {
  return { account: accountLogin(config), platformRestaurantId, csv: exported.csv, sha256: exported.sha256 };
}

/** The user_onboarding columns the original filled (non-empty values only are sent). */
export function syncOnboardingUserInput(
  config: ExecutionConfig,
  r: RestaurantFacts,
  ctx: { platformRestaurantId: string; stripeConnectUrl?: string | null; logoUrl?: string | null },
): SyncOnboardingUserInput {
  return {
    userEmail: config.onboarding.user_email ?? config.email,
    fields: {
      restaurant_name: config.restaurant.name ?? r.name,
      email: config.email,
      restaurant_id: ctx.platformRestaurantId,
      address: config.restaurant.address ?? r.address,
      phone: config.phone ?? r.phone,
      contact_person: r.contact_name,
      director_mobile_number: r.contact_phone,
      primary_color: config.settings.primary_color,
      secondary_color: config.settings.secondary_color,
      facebook_url: config.settings.facebook_url ?? r.facebook_url,
      instagram_url: config.settings.instagram_url ?? r.instagram_url,
      stripe_connect_link: ctx.stripeConnectUrl ?? null,
      logo_url: ctx.logoUrl ?? null,
      nzbn: r.nzbn,
      company_name: r.company_name,
      gst_number: config.gst_number ?? r.gst_number,
    },
  };
}

export function optionSetsInput(config: ExecutionConfig, platformRestaurantId: string, sets: readonly OptionSet[]): OptionSetsInput {
  return {
    account: accountLogin(config),
    platformRestaurantId,
    optionSets: sets.map((s) => ({
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
    })),
  };
}

/** The ten preset tags, each with the menu's dishes whose tags map onto it. */
export function itemTagsInput(config: ExecutionConfig, platformRestaurantId: string, menu: Menu): ItemTagsInput {
  const dishes = menu.categories.flatMap((c) => c.items.map((i) => ({ name: i.name, tags: i.tags })));
  return { account: accountLogin(config), platformRestaurantId, tags: presetTagsFor(dishes) };
}
