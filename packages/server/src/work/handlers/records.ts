// The records the original kept for step 6 (reference §1.4, §3.3): the platform account in pumpd_accounts (its
// password as a secret reference, never plain), the platform restaurant in pumpd_restaurants, every external action
// in registration_logs, and restaurants.onboarding_status moving forward only (registered → menu_imported → configured).
import { sql } from 'kysely';
import type { Db } from '../../engine/db';

/** How the account's password is written in pumpd_accounts.user_password_hint: a reference, never the value. */
export function passwordHint(secretRef: string): string {
  return `secret_ref:${secretRef}`;
}

export async function upsertAccount(
  db: Db,
  a: { organisationId: string; restaurantId: string; email: string; passwordRef: string; status: string; method: 'api' | 'playwright' },
): Promise<string> {
  const { rows } = await sql<{ id: string }>`
    insert into public.pumpd_accounts (organisation_id, restaurant_id, email, user_password_hint, registration_status, registration_method)
    values (${a.organisationId}, ${a.restaurantId}, ${a.email}, ${passwordHint(a.passwordRef)}, ${a.status}, ${a.method})
    on conflict (organisation_id, email) do update set
      user_password_hint = excluded.user_password_hint,
      registration_status = case when pumpd_accounts.registration_status in ('completed', 'existing') then pumpd_accounts.registration_status
                                 else excluded.registration_status end
    returning id`.execute(db);
  return rows[0]!.id;
}

export async function finishAccount(
  db: Db,
  id: string,
  r: { ok: true; created: boolean; userId: string | null; dashboardUrl: string } | { ok: false; error: string },
): Promise<void> {
  if (r.ok) {
    await sql`update public.pumpd_accounts set registration_status = ${r.created ? 'completed' : 'existing'},
                registration_date = coalesce(registration_date, now()), pumpd_user_id = coalesce(${r.userId}, pumpd_user_id),
                pumpd_dashboard_url = ${r.dashboardUrl}, last_error = null
              where id = ${id}`.execute(db);
  } else {
    await sql`update public.pumpd_accounts set registration_status = case when registration_status in ('completed', 'existing') then registration_status else 'failed' end,
                last_error = ${r.error}, retry_count = coalesce(retry_count, 0) + 1
              where id = ${id}`.execute(db);
  }
}

export async function accountId(db: Db, organisationId: string, email: string): Promise<string | null> {
  const { rows } = await sql<{ id: string }>`select id from public.pumpd_accounts where organisation_id = ${organisationId} and lower(email) = lower(${email})
    order by created_at limit 1`.execute(db);
  return rows[0]?.id ?? null;
}

export interface PlatformRestaurant {
  id: string;
  pumpd_restaurant_id: string | null;
  pumpd_subdomain: string | null;
  head_injection: string | null;
  body_injection: string | null;
}

export async function platformRestaurant(db: Db, organisationId: string, restaurantId: string): Promise<PlatformRestaurant | null> {
  const { rows } = await sql<PlatformRestaurant>`
    select id, pumpd_restaurant_id, pumpd_subdomain, head_injection, body_injection from public.pumpd_restaurants
     where organisation_id = ${organisationId} and restaurant_id = ${restaurantId}`.execute(db);
  return rows[0] ?? null;
}

/** The pumpd_restaurants row of the restaurant (one per organisation and restaurant), created on first use. */
export async function ensurePlatformRestaurant(db: Db, organisationId: string, restaurantId: string): Promise<string> {
  const { rows } = await sql<{ id: string }>`
    insert into public.pumpd_restaurants (organisation_id, restaurant_id) values (${organisationId}, ${restaurantId})
    on conflict (organisation_id, restaurant_id) do update set updated_at = now()
    returning id`.execute(db);
  return rows[0]!.id;
}

export async function saveGeneratedCode(db: Db, organisationId: string, restaurantId: string, code: { head: string; body: string; config: unknown }): Promise<string> {
  const id = await ensurePlatformRestaurant(db, organisationId, restaurantId);
  await sql`update public.pumpd_restaurants set head_injection = ${code.head}, body_injection = ${code.body},
              code_injection_config = ${JSON.stringify(code.config)}::jsonb, code_injection_generated_at = now()
            where id = ${id}`.execute(db);
  return id;
}

export async function startRegistration(
  db: Db,
  r: { organisationId: string; restaurantId: string; accountId: string | null; type: string; name: string; address: string; phone: string; hours: unknown; locale: string; timezone: string; currency: string },
): Promise<string> {
  const id = await ensurePlatformRestaurant(db, r.organisationId, r.restaurantId);
  await sql`update public.pumpd_restaurants set pumpd_account_id = coalesce(${r.accountId}, pumpd_account_id),
              registration_status = case when registration_status = 'completed' then registration_status else 'in_progress' end,
              registration_type = ${r.type}, configured_name = ${r.name}, configured_address = ${r.address}, configured_phone = ${r.phone},
              configured_hours = ${JSON.stringify(r.hours)}::jsonb, configured_locale = ${r.locale}, configured_timezone = ${r.timezone},
              configured_currency = ${r.currency}
            where id = ${id}`.execute(db);
  return id;
}

export async function finishRegistration(
  db: Db,
  id: string,
  r: { ok: true; platformId: string; subdomain: string; storeUrl: string; dashboardUrl: string; settingsUrl: string; menusUrl: string } | { ok: false; error: string },
): Promise<void> {
  if (r.ok) {
    await sql`update public.pumpd_restaurants set registration_status = 'completed', registration_date = coalesce(registration_date, now()),
                pumpd_restaurant_id = ${r.platformId}, pumpd_subdomain = ${r.subdomain}, pumpd_full_url = ${r.storeUrl},
                dashboard_url = ${r.dashboardUrl}, settings_url = ${r.settingsUrl}, menu_url = ${r.menusUrl}, last_error = null
              where id = ${id}`.execute(db);
    await sql`update public.pumpd_accounts a set restaurant_count = (select count(*) from public.pumpd_restaurants p
                where p.pumpd_account_id = a.id and p.registration_status = 'completed')
              where a.id = (select pumpd_account_id from public.pumpd_restaurants where id = ${id})`.execute(db);
  } else {
    await sql`update public.pumpd_restaurants set last_error = ${r.error}, error_count = coalesce(error_count, 0) + 1,
                registration_status = case when registration_status = 'completed' then registration_status else 'failed' end
              where id = ${id}`.execute(db);
  }
}

/** Records which sub-steps finished on the platform restaurant (setup_completion), as the original's UI read it. */
export async function markSetup(db: Db, organisationId: string, restaurantId: string, key: string): Promise<void> {
  await sql`update public.pumpd_restaurants set setup_completion = coalesce(setup_completion, '{}'::jsonb) || jsonb_build_object(${key}::text, now())
            where organisation_id = ${organisationId} and restaurant_id = ${restaurantId}`.execute(db);
}

const ONBOARDING_ORDER = ['registered', 'menu_imported', 'configured'] as const;
export type OnboardingStatus = (typeof ONBOARDING_ORDER)[number];

/**
 * Moves restaurants.onboarding_status forward only: websiteConfig (configured) and menuImport (menu_imported) may
 * finish in either order, and the later-ranked status must stay. One conditional update, so two workers cannot race it back.
 */
export async function advanceOnboarding(db: Db, restaurantId: string, status: OnboardingStatus): Promise<void> {
  const atOrBeyond = ONBOARDING_ORDER.slice(ONBOARDING_ORDER.indexOf(status));
  await sql`update public.restaurants set onboarding_status = ${status}
            where id = ${restaurantId} and (onboarding_status is null or onboarding_status <> all(${[...atOrBeyond]}::text[]))`.execute(db);
}

export interface LogEntry {
  organisationId: string;
  restaurantId: string;
  action: string;
  status: 'started' | 'success' | 'failed';
  scriptName: string;
  initiatedBy: string;
  accountId?: string | null;
  platformRestaurantRowId?: string | null;
  request?: unknown;
  response?: unknown;
  error?: string | null;
  ms?: number | null;
  screenshots?: readonly string[];
}

export async function logAction(db: Db, e: LogEntry): Promise<void> {
  await sql`insert into public.registration_logs (organisation_id, restaurant_id, pumpd_account_id, pumpd_restaurant_id, action, status,
              request_data, response_data, error_message, script_name, execution_time_ms, screenshot_paths, initiated_by)
            values (${e.organisationId}, ${e.restaurantId}, ${e.accountId ?? null}, ${e.platformRestaurantRowId ?? null}, ${e.action}, ${e.status},
              ${e.request === undefined ? null : JSON.stringify(e.request)}::jsonb, ${e.response === undefined ? null : JSON.stringify(e.response)}::jsonb,
              ${e.error ?? null}, ${e.scriptName}, ${e.ms ?? null}, ${e.screenshots?.length ? [...e.screenshots] : null}::text[], ${e.initiatedBy})`.execute(db);
}
