// Task handlers for steps 1-4 (task kinds extraction.run, registry.searchByName, registry.searchByAddress,
// company.details), registered by the worker next to its others. Each returns its output; step 4 also writes the
// restaurant's contact columns, idempotently, as the original did. Database access is raw SQL over any Kysely.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { sql, type Kysely } from 'kysely';
import { nzPhoneSchema } from '@regbatch/machines';
import type { BrowserPool } from '../browser/pool';
import type { CompanyDetails } from '../company/details';
import { extractStorePage, type StoreBranding } from '../extraction/storePage';
import { MenuFormatError, menuItemCount, type Menu } from '../menu/model';
import { linkOptionSets, parseOptionSetsCsv, type OptionSet, type OptionSetLink } from '../menu/optionSets';
import { parseMenuCsv } from '../menu/parse';
import type { MenuSource } from '../leads/parse';
import { RegistryError } from '../registry/errors';
import type { RegistryClient } from '../registry/types';
import { generateAccountPassword, type SealSecret } from './accountPassword';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw SQL only, like the engine's Db
export type AnyDb = Kysely<any>;

/** The part of the worker's TaskContext these handlers read. */
export interface StepTaskContext {
  readonly input: unknown;
  readonly signal: AbortSignal;
  readonly idempotencyKey: string;
  readonly db: AnyDb;
  readonly task: { readonly organisationId: string; readonly attempt: number };
  /**
   * Stores a secret encrypted for the task's organisation (the worker's secret store). company.details seals the
   * account password it proposes with it; a host without one proposes none (a person supplies it in step 5).
   */
  readonly sealSecret?: SealSecret;
}

export type StepHandler = (ctx: StepTaskContext) => Promise<unknown>;

export interface StepHandlerDeps {
  /** The organisation's registry client (its settings: NZBN base URL and key, register URL). */
  registry(organisationId: string, db: AnyDb): RegistryClient | Promise<RegistryClient>;
  /** Needed for store-page menu sources. */
  browserPool?: BrowserPool;
  /** Where a lead's store URL is served (the sandbox, when the target is the sandbox). */
  storeUrl?: (leadStoreUrl: string) => string;
  /** The worker's typed failure (TaskFailure): code, message, retryable, retryAfterMs. */
  fail(code: string, message: string, retryable: boolean, retryAfterMs?: number): Error;
}

interface StepInput {
  organisationId?: string;
  restaurantId?: string;
  query?: string;
  street?: string;
  city?: string;
  companyNumber?: string | null;
  candidate?: { nzbn?: string | null; company_number?: string | null } | null;
  manualEntry?: Record<string, unknown> | null;
  /** false when the job's configuration already has its password (a preset), so step 4 proposes none. */
  generateAccountPassword?: boolean;
}

function input(ctx: StepTaskContext): StepInput {
  return (ctx.input ?? {}) as StepInput;
}

function translate(deps: StepHandlerDeps, err: unknown): Error {
  if (err instanceof RegistryError) return deps.fail(err.code, err.message, err.retryable, err.retryAfterMs);
  if (err instanceof MenuFormatError) return deps.fail(err.code, err.message, false);
  const e = err as { code?: unknown; retryable?: unknown; message?: unknown };
  if (typeof e?.code === 'string' && typeof e.retryable === 'boolean') return deps.fail(e.code, String(e.message), e.retryable);
  return err instanceof Error ? err : new Error(String(err));
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

function e164(phone: string | null): string | null {
  if (!phone) return null;
  const r = nzPhoneSchema.safeParse(phone);
  return r.success ? r.data : phone;
}

/** Step 4 by hand: the fields a person entered, in the same output shape. */
function manualDetails(m: Record<string, unknown>): CompanyDetails {
  const contact = text(m['contact_name']);
  const legal = text(m['full_legal_name']) ?? contact;
  return {
    company_name: text(m['company_name']) ?? '',
    company_number: text(m['company_number']) ?? '',
    nzbn: text(m['nzbn']) ?? '',
    status: 'Unknown',
    incorporation_date: null,
    registered_address: null,
    entity_type: null,
    trading_names: [],
    directors: contact ? [{ name: contact, full_name: legal ?? contact, full_legal_name: legal ?? contact, position: 'Director', status: 'Current', appointed_date: null, ceased_date: null }] : [],
    shareholders: [],
    total_shares: null,
    nzbn_details: {
      gst_number: text(m['gst_number']),
      email: text(m['contact_email']),
      phone: text(m['contact_phone']),
      website: null,
      gst_numbers: text(m['gst_number']) ? [text(m['gst_number']) as string] : [],
      emails: text(m['contact_email']) ? [text(m['contact_email']) as string] : [],
      phones: text(m['contact_phone']) ? [text(m['contact_phone']) as string] : [],
      websites: [],
    },
    primary_contact: contact ? { contact_name: contact, full_legal_name: legal ?? contact } : null,
  };
}

/** Writes what step 4 found onto the restaurant; values the register lacks never erase what is there. */
export async function saveCompanyContacts(db: AnyDb, restaurantId: string, d: CompanyDetails): Promise<void> {
  await sql`
    update public.restaurants set
      company_name = coalesce(${text(d.company_name)}, company_name),
      company_number = coalesce(${text(d.company_number)}, company_number),
      nzbn = coalesce(${text(d.nzbn)}, nzbn),
      gst_number = coalesce(${d.nzbn_details.gst_number}, gst_number),
      contact_name = coalesce(${d.primary_contact?.contact_name ?? null}, contact_name),
      full_legal_name = coalesce(${d.primary_contact?.full_legal_name ?? null}, full_legal_name),
      contact_email = coalesce(${d.nzbn_details.email}, contact_email),
      contact_phone = coalesce(${e164(d.nzbn_details.phone)}, contact_phone),
      additional_contacts_metadata = ${JSON.stringify(d)}::jsonb
    where id = ${restaurantId}`.execute(db);
}

export interface ExtractionOutput {
  extractionJobId: string;
  menuId: string;
  restaurantId: string;
  itemCount: number;
  categoryCount: number;
  optionSetCount: number;
  source: MenuSource['kind'];
  adopted: boolean;
}

interface StoredMenuInput {
  organisationId: string;
  restaurantId: string;
  jobKey: string;
  url: string;
  menu: Menu;
  optionSets: OptionSet[];
  links: OptionSetLink[];
  source: MenuSource['kind'];
}

/** One transaction: the extraction_jobs row, the menu, its categories, items, images and option-set links. */
export async function storeExtractedMenu(db: AnyDb, m: StoredMenuInput): Promise<ExtractionOutput> {
  return db.transaction().execute(async (trx) => {
    const job = await sql<{ id: string }>`
      insert into public.extraction_jobs (job_id, restaurant_id, url, job_type, status, started_at, config, organisation_id)
      values (${m.jobKey}, ${m.restaurantId}, ${m.url}, 'full_menu', 'running', now(), ${JSON.stringify({ source: m.source })}::jsonb, ${m.organisationId})
      on conflict (job_id) do update set status = 'running', error = null, started_at = now()
      returning id`.execute(trx);
    const jobId = job.rows[0]?.id as string;
    // A previous attempt of this same task that got this far left nothing behind (it was one transaction),
    // but a re-run of a completed job replaces its menu rather than adding a second one.
    await sql`delete from public.menus where extraction_job_id = ${jobId}`.execute(trx);
    const menuRow = await sql<{ id: string }>`
      insert into public.menus (restaurant_id, extraction_job_id, menu_data, organisation_id)
      values (${m.restaurantId}, ${jobId}, ${JSON.stringify({ name: m.menu.name, source: m.source, droppedPromotionalRows: m.menu.droppedPromotionalRows })}::jsonb, ${m.organisationId})
      returning id`.execute(trx);
    const menuId = menuRow.rows[0]?.id as string;
    const itemIds: string[][] = [];
    for (const [position, cat] of m.menu.categories.entries()) {
      const c = await sql<{ id: string }>`
        insert into public.categories (menu_id, name, description, position, organisation_id)
        values (${menuId}, ${cat.name}, ${cat.description}, ${position}, ${m.organisationId}) returning id`.execute(trx);
      const categoryId = c.rows[0]?.id as string;
      const ids: string[] = [];
      for (const item of cat.items) {
        const it = await sql<{ id: string }>`
          insert into public.menu_items (category_id, menu_id, name, description, price, tags, item_type, extraction_method, organisation_id, metadata)
          values (${categoryId}, ${menuId}, ${item.name}, ${item.description}, ${item.price}::numeric, ${item.tags}::text[], ${item.type}, ${m.source},
                  ${m.organisationId}, ${JSON.stringify({ source_row: item.sourceRow, display_name: item.displayName, print_name: item.printName })}::jsonb)
          returning id`.execute(trx);
        const itemId = it.rows[0]?.id as string;
        ids.push(itemId);
        if (item.image?.url) {
          await sql`
            insert into public.item_images (menu_item_id, url, type, cdn_uploaded, cdn_id, cdn_filename, organisation_id)
            values (${itemId}, ${item.image.url}, 'primary', ${Boolean(item.image.cdnId)}, ${item.image.cdnId}::uuid, ${item.image.cdnFilename}, ${m.organisationId})`.execute(trx);
        }
      }
      itemIds.push(ids);
    }
    const setIds = new Map<string, string>();
    for (const set of m.optionSets) {
      // Deduplicated per organisation by content hash (the original's option_set_hash).
      const existing = await sql<{ id: string }>`
        insert into public.option_sets (name, description, min_selections, max_selections, is_required, multiple_selections_allowed,
                                        extraction_source, source_data, option_set_hash, organisation_id)
        values (${set.name}, ${set.displayName}, ${set.minOptions ?? 0}, ${set.maxOptions}, ${set.required}, ${set.multiSelect},
                'csv', ${JSON.stringify({ quantitySelect: set.quantitySelect, freeAmount: set.freeAmount, displayName: set.displayName })}::jsonb, ${set.hash}, ${m.organisationId})
        on conflict (organisation_id, option_set_hash) do update set updated_at = now()
        returning id, (xmax = 0) as inserted`.execute(trx);
      const row = existing.rows[0] as { id: string; inserted: boolean };
      setIds.set(set.hash, row.id);
      if (row.inserted) {
        for (const [order, o] of set.options.entries()) {
          await sql`
            insert into public.option_set_items (option_set_id, name, price, price_display, is_default, display_order, metadata, extraction_source, extracted_at, organisation_id)
            values (${row.id}, ${o.name}, ${o.price}::numeric, ${o.price}, ${o.isDefault}, ${order}, ${JSON.stringify({ print_name: o.printName })}::jsonb, 'csv', now(), ${m.organisationId})`.execute(trx);
        }
      }
    }
    for (const link of m.links) {
      const itemId = itemIds[link.categoryIndex]?.[link.itemIndex];
      const setId = setIds.get(link.optionSetHash);
      if (!itemId || !setId) continue;
      await sql`
        insert into public.menu_item_option_sets (menu_item_id, option_set_id, organisation_id) values (${itemId}, ${setId}, ${m.organisationId})
        on conflict (menu_item_id, option_set_id) do nothing`.execute(trx);
      await sql`update public.menu_items set has_option_sets = true where id = ${itemId}`.execute(trx);
    }
    await sql`update public.extraction_jobs set status = 'completed', completed_at = now(),
                progress = ${JSON.stringify({ items: menuItemCount(m.menu), categories: m.menu.categories.length })}::jsonb
              where id = ${jobId}`.execute(trx);
    return {
      extractionJobId: jobId,
      menuId,
      restaurantId: m.restaurantId,
      itemCount: menuItemCount(m.menu),
      categoryCount: m.menu.categories.length,
      optionSetCount: m.optionSets.length,
      source: m.source,
      adopted: false,
    };
  });
}

/** Fills branding the restaurant lacks; the lead's own colours stay when the source has none. */
async function saveBranding(db: AnyDb, restaurantId: string, b: StoreBranding): Promise<void> {
  await sql`update public.restaurants set
      logo_url = coalesce(logo_url, ${b.logoUrl}),
      logo_favicon_url = coalesce(logo_favicon_url, ${b.faviconUrl}),
      primary_color = coalesce(primary_color, ${b.primaryColour}),
      secondary_color = coalesce(secondary_color, ${b.secondaryColour})
    where id = ${restaurantId}`.execute(db);
}

const STORED_REF = /^secret_ref:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/**
 * The account password step 5's defaults propose, as a reference (the job machine is pure and never makes one up):
 * the password of the platform account an earlier job created for this restaurant (a re-run must log in to it), else
 * the restaurant's stored password hint when it has one, as the original preferred it, else a generated one; the
 * last two are sealed here, so the task output, the event log and the snapshot carry only `{ secret_ref }`.
 */
async function proposeAccountPassword(ctx: StepTaskContext, deps: StepHandlerDeps, restaurantId: string): Promise<{ secret_ref: string } | null> {
  if (input(ctx).generateAccountPassword === false || !ctx.sealSecret) return null;
  const account = await sql<{ user_password_hint: string }>`
    select user_password_hint from public.pumpd_accounts
     where restaurant_id = ${restaurantId} and organisation_id = ${ctx.task.organisationId} and user_password_hint like 'secret_ref:%'
     order by updated_at desc nulls last limit 1`.execute(ctx.db);
  const accountRef = STORED_REF.exec(account.rows[0]?.user_password_hint ?? '');
  if (accountRef) return { secret_ref: accountRef[1]! };
  const found = await sql<{ user_password_hint: string | null }>`
    select user_password_hint from public.restaurants where id = ${restaurantId}`.execute(ctx.db);
  const hint = text(found.rows[0]?.user_password_hint);
  const stored = hint ? STORED_REF.exec(hint) : null;
  if (stored) return { secret_ref: stored[1]! };
  try {
    const ref = await ctx.sealSecret(hint ?? generateAccountPassword(), hint ? 'company.details.user_password_hint' : 'company.details.generated_password');
    return { secret_ref: ref.secret_ref };
  } catch (err) {
    throw translate(deps, err);
  }
}

export function createStepHandlers(deps: StepHandlerDeps): Record<'extraction.run' | 'registry.searchByName' | 'registry.searchByAddress' | 'company.details', StepHandler> {
  const client = (ctx: StepTaskContext) => deps.registry(input(ctx).organisationId ?? ctx.task.organisationId, ctx.db);

  return {
    async 'registry.searchByName'(ctx) {
      const q = (input(ctx).query ?? '').trim();
      if (!q) throw deps.fail('SEARCH_QUERY_EMPTY', 'the name search has no restaurant name to search for', false);
      try {
        return await (await client(ctx)).searchByName(q, { signal: ctx.signal });
      } catch (err) {
        throw translate(deps, err);
      }
    },

    async 'registry.searchByAddress'(ctx) {
      const i = input(ctx);
      const street = (i.street ?? '').trim();
      // No street to search: the address search has nothing to say (not a failure of the register).
      if (!street) return [];
      try {
        return await (await client(ctx)).searchByAddress({ street, city: i.city ?? null }, { signal: ctx.signal });
      } catch (err) {
        throw translate(deps, err);
      }
    },

    async 'company.details'(ctx) {
      const i = input(ctx);
      const restaurantId = i.restaurantId;
      if (!restaurantId) throw deps.fail('INPUT_INVALID', 'company.details needs restaurantId', false);
      let details: CompanyDetails;
      if (i.manualEntry) details = manualDetails(i.manualEntry);
      else {
        const nzbn = text(i.candidate?.nzbn);
        const companyNumber = text(i.companyNumber) ?? text(i.candidate?.company_number);
        if (!nzbn && !companyNumber) throw deps.fail('NO_COMPANY_SELECTED', 'company.details ran without a selected company', false);
        try {
          details = await (await client(ctx)).getCompany({ nzbn, companyNumber }, { signal: ctx.signal });
        } catch (err) {
          throw translate(deps, err);
        }
      }
      await saveCompanyContacts(ctx.db, restaurantId, details);
      const ref = await proposeAccountPassword(ctx, deps, restaurantId);
      return ref ? { ...details, account_password_ref: ref } : details;
    },

    async 'extraction.run'(ctx) {
      const i = input(ctx);
      const restaurantId = i.restaurantId;
      if (!restaurantId) throw deps.fail('INPUT_INVALID', 'extraction.run needs restaurantId', false);
      const organisationId = i.organisationId ?? ctx.task.organisationId;
      const found = await sql<{ menu_source: MenuSource | string | null; ubereats_url: string | null }>`
        select menu_source, ubereats_url from public.restaurants where id = ${restaurantId}`.execute(ctx.db);
      const row = found.rows[0];
      if (!row) throw deps.fail('RESTAURANT_NOT_FOUND', `restaurant ${restaurantId} does not exist`, false);

      // An existing completed extraction with a menu is adopted instead of re-run.
      const done = await sql<{ job_id: string; menu_id: string; items: number; categories: number }>`
        select j.id as job_id, m.id as menu_id,
               (select count(*)::int from public.menu_items mi where mi.menu_id = m.id) as items,
               (select count(*)::int from public.categories c where c.menu_id = m.id) as categories
        from public.extraction_jobs j join public.menus m on m.extraction_job_id = j.id
        where j.restaurant_id = ${restaurantId} and j.status = 'completed'
        order by j.completed_at desc nulls last limit 1`.execute(ctx.db);
      const adopted = done.rows[0];
      const stored = typeof row.menu_source === 'string' ? (JSON.parse(row.menu_source) as MenuSource) : row.menu_source;
      const source: MenuSource | null = stored ?? (row.ubereats_url ? { kind: 'store_page', url: row.ubereats_url } : null);
      if (adopted && adopted.items > 0) {
        return {
          extractionJobId: adopted.job_id,
          menuId: adopted.menu_id,
          restaurantId,
          itemCount: adopted.items,
          categoryCount: adopted.categories,
          optionSetCount: 0,
          source: source?.kind ?? 'csv',
          adopted: true,
        } satisfies ExtractionOutput;
      }
      if (!source) throw deps.fail('MENU_SOURCE_MISSING', `restaurant ${restaurantId} has no menu source (no menu CSV, no store URL)`, false);

      const jobKey = `rb_${createHash('sha256').update(ctx.idempotencyKey).digest('hex').slice(0, 40)}`;
      const url = source.kind === 'csv' ? source.menu_csv : source.url;
      try {
        let menu: Menu;
        let optionSets: OptionSet[] = [];
        let links: OptionSetLink[] = [];
        if (source.kind === 'csv') {
          menu = parseMenuCsv(await readFile(source.menu_csv));
          if (source.option_sets_csv) {
            optionSets = parseOptionSetsCsv(await readFile(source.option_sets_csv));
            links = linkOptionSets(menu, optionSets);
          }
        } else {
          const pool = deps.browserPool;
          if (!pool) throw deps.fail('BROWSER_UNAVAILABLE', 'a store-page menu source needs the browser pool', false);
          const pageUrl = deps.storeUrl ? deps.storeUrl(source.url) : source.url;
          const got = await pool.withContext(async (context) => extractStorePage(await context.newPage(), pageUrl), { signal: ctx.signal });
          menu = got.menu;
          await saveBranding(ctx.db, restaurantId, got.branding);
        }
        return await storeExtractedMenu(ctx.db, { organisationId, restaurantId, jobKey, url, menu, optionSets, links, source: source.kind });
      } catch (err) {
        const e = translate(deps, err);
        await sql`
          insert into public.extraction_jobs (job_id, restaurant_id, url, job_type, status, error, organisation_id)
          values (${jobKey}, ${restaurantId}, ${url}, 'full_menu', 'failed', ${e.message}, ${organisationId})
          on conflict (job_id) do update set status = 'failed', error = excluded.error`.execute(ctx.db);
        throw e;
      }
    },
  };
}
