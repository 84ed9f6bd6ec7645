// Step 6 for real: one task handler per sub-step key around automation's flows. The adapter builds each flow's
// input from the job's configuration (secret fields stay references until a flow resolves them), the restaurant row,
// the menu tables and its upstream outputs; opens a browser context from the worker's pool for the browser flows;
// keeps the original's records (pumpd_accounts, pumpd_restaurants, registration_logs, onboarding_status); stores a
// failed attempt's screenshot and trace on the task row; and reports flow errors as the worker's TaskFailure.
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import {
  BROWSER_FLOWS,
  SUB_STEP_FLOWS,
  classifyError,
  exportMenuCsv,
  presetTagsFor,
  type BrowserPool,
  type FlowContext,
  type FlowLogger,
  type ImageInput,
} from '@regbatch/automation';
import type { ExecutionConfig, SubStepInput, SubStepKey } from '@regbatch/machines';
import { SUB_STEP_KEYS } from '@regbatch/machines';
import type { Db } from '../../engine/db';
import type { ArtifactStore } from '../../ops/artifacts';
import { isSecretRef, type SecretStore } from '../../secrets/store';
import { TaskFailure, type TaskContext, type TaskHandler } from '../registry';
import { loadMenu, menuDishes, menuIdFor, menuImages, menuOptionSets, saveUploadedImages } from './menuData';
import {
  accountId,
  advanceOnboarding,
  ensurePlatformRestaurant,
  finishAccount,
  finishRegistration,
  logAction,
  markSetup,
  platformRestaurant,
  saveGeneratedCode,
  startRegistration,
  upsertAccount,
} from './records';
import type { OrganisationTarget, SettingsResolver } from './settings';
import { poolFor } from './steps';

export interface SubStepHandlerDeps {
  readonly settings: SettingsResolver;
  /** The worker's browser pool (opened on first use). */
  readonly pool: () => BrowserPool;
  readonly secrets: SecretStore;
  /** Where failed attempts' screenshots and traces go; null keeps none. */
  readonly artifacts: ArtifactStore | null;
}

type Row = Record<string, unknown>;
type Config = ExecutionConfig;

/** What every adapter reads. */
interface Job {
  readonly db: Db;
  readonly ctx: TaskContext;
  readonly organisationId: string;
  readonly restaurantId: string;
  readonly restaurant: Row;
  readonly config: Config;
  readonly upstream: Partial<Record<SubStepKey, unknown>>;
  readonly target: OrganisationTarget;
  /** A flow-usable reference for a secret value of the configuration (sealed first when it arrived in plain text). */
  ref(value: unknown, purpose: string): Promise<string>;
}

/** What an adapter decides before the flow runs. */
interface Plan {
  /** Run this flow input; or `skip` with an output when there is nothing to do (no option sets, no images). */
  readonly input?: unknown;
  readonly skip?: unknown;
  /** Ids the logs carry. */
  readonly accountRowId?: string | null;
  readonly platformRowId?: string | null;
  /** Records after success; its result is merged into the task's output. */
  after?(output: unknown): Promise<Record<string, unknown> | void>;
  failed?(message: string): Promise<void>;
}

interface Adapter {
  /** registration_logs.action and script_name, as the original named them. */
  readonly action: string;
  readonly script: string;
  plan(job: Job): Promise<Plan>;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

function need<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined || value === '') throw new TaskFailure('missing_input', `${what} is missing`, false);
  return value;
}

/** The account login every admin-portal flow uses: e-mail plus a reference to its password. */
async function account(job: Job): Promise<{ email: string; passwordRef: string }> {
  return { email: need(text(job.config.email), 'execution_config.email'), passwordRef: await job.ref(job.config.password, 'account password') };
}

/** The platform's RES… id: from the registration's output, else from the stored pumpd_restaurants row. */
async function platformId(job: Job): Promise<string> {
  const out = job.upstream.restaurantRegistration as { platformRestaurantId?: string } | undefined;
  const stored = out?.platformRestaurantId ?? (await platformRestaurant(job.db, job.organisationId, job.restaurantId))?.pumpd_restaurant_id;
  return need(stored, `the platform restaurant id of restaurant ${job.restaurantId} (restaurantRegistration has not run)`);
}

function hexOf(colour: string | null | undefined, config: Config): string | null {
  switch (colour) {
    case null:
    case undefined:
      return null;
    case 'white':
      return '#ffffff';
    case 'black':
      return '#000000';
    case 'primary':
      return config.settings.primary_color;
    case 'secondary':
      return config.settings.secondary_color;
    default:
      return colour;
  }
}

/** The original's "location": the second-last comma part of the address, else the city. */
function locationOf(address: string | null, city: string | null): string {
  const parts = (address ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  return (parts.length >= 2 ? parts[parts.length - 2] : null) ?? city ?? '';
}

/** An image for an upload: a data: URL from the restaurant row, or a file on one of the organisation's hosts. */
async function imageOf(url: unknown, name: string, target: OrganisationTarget, signal: AbortSignal, log: Logger): Promise<ImageInput | null> {
  const u = text(url);
  if (!u) return null;
  const data = /^data:([^;,]+)(;base64)?,(.*)$/s.exec(u);
  if (data) {
    const mimeType = data[1] ?? 'application/octet-stream';
    const bytes = data[2] ? Buffer.from(data[3] ?? '', 'base64') : Buffer.from(decodeURIComponent(data[3] ?? ''), 'utf8');
    return { fileName: `${name}.${mimeType.split('/')[1]?.split('+')[0] ?? 'png'}`, mimeType, data: bytes };
  }
  let host: string;
  try {
    host = new URL(u).host;
  } catch {
    return null;
  }
  // Hosts outside the organisation's targets are not fetched (the fixtures name hosts this machine cannot reach).
  if (!target.allowedHosts.includes(host)) {
    log.info({ image: name, host }, 'image host is not an allowed target host; not uploaded');
    return null;
  }
  const res = await fetch(u, { signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]) });
  if (!res.ok) throw new TaskFailure(res.status >= 500 ? 'server_error' : 'image_unavailable', `${name} image ${u}: HTTP ${res.status}`, res.status >= 500);
  const mimeType = (res.headers.get('content-type') ?? 'image/png').split(';')[0]!.trim();
  const ext = mimeType.split('/')[1]?.split('+')[0] ?? 'png';
  return { fileName: `${name}.${ext}`, mimeType, data: new Uint8Array(await res.arrayBuffer()) };
}

const ADAPTERS: Record<SubStepKey, Adapter> = {
  cloudwaitressAccount: {
    action: 'account_creation',
    script: 'cloudwaitress-api register',
    async plan(job) {
      const login = await account(job);
      const phone = need(job.config.phone ?? job.config.restaurant.phone ?? text(job.restaurant['phone']), 'the account phone (execution_config.phone)');
      const id = await upsertAccount(job.db, { organisationId: job.organisationId, restaurantId: job.restaurantId, email: login.email, passwordRef: login.passwordRef, status: 'in_progress', method: 'api' });
      return {
        input: { email: login.email, phone, passwordRef: login.passwordRef },
        accountRowId: id,
        async after(out) {
          const o = out as { created: boolean; userId: string | null };
          await finishAccount(job.db, id, { ok: true, created: o.created, userId: o.userId, dashboardUrl: job.target.portal.adminUrl });
          return { accountRowId: id };
        },
        failed: (error) => finishAccount(job.db, id, { ok: false, error }),
      };
    },
  },

  codeGeneration: {
    action: 'code_generation',
    script: 'ordering-page-customization',
    async plan(job) {
      const s = job.config.settings;
      const rowId = await ensurePlatformRestaurant(job.db, job.organisationId, job.restaurantId);
      return {
        input: {
          restaurantName: job.config.restaurant.name ?? need(text(job.restaurant['name']), 'the restaurant name'),
          primaryColour: s.primary_color,
          secondaryColour: s.secondary_color,
          theme: s.website_theme,
          disableGradients: s.disable_gradients,
        },
        platformRowId: rowId,
        async after(out) {
          const o = out as { headInjection: string; bodyInjection: string; configuration: unknown };
          // The output the machine keeps stays small: the code itself lives on pumpd_restaurants.
          const id = await saveGeneratedCode(job.db, job.organisationId, job.restaurantId, { head: o.headInjection, body: o.bodyInjection, config: o.configuration });
          return { codeInjectionId: id };
        },
      };
    },
  },

  createOnboardingUser: {
    action: 'onboarding_user_creation',
    script: 'create-onboarding-user',
    async plan(job) {
      const o = job.config.onboarding;
      const name = o.user_name ?? text(job.restaurant['contact_name']) ?? need(text(job.restaurant['name']), 'onboarding.user_name');
      return {
        input: {
          name,
          email: need(o.user_email ?? job.config.email, 'onboarding.user_email'),
          passwordRef: await job.ref(o.user_password ?? job.config.password, 'onboarding user password'),
        },
      };
    },
  },

  uploadImages: {
    action: 'image_upload',
    script: 'uploadcare from_url',
    async plan(job) {
      const menuId = await menuIdFor(job.db, job.restaurantId, job.config.settings.menu_to_import);
      const images = await menuImages(job.db, menuId);
      if (images.length === 0) return { skip: { uploaded: [], menuId } };
      return {
        input: { images, concurrency: 4 },
        async after(out) {
          await saveUploadedImages(job.db, (out as { uploaded: { id: string; cdnId: string; cdnUrl: string; cdnFilename: string }[] }).uploaded);
          return { menuId };
        },
      };
    },
  },

  restaurantRegistration: {
    action: 'restaurant_registration',
    script: 'login-and-register-restaurant',
    async plan(job) {
      const login = await account(job);
      const r = job.config.restaurant;
      const name = r.name ?? need(text(job.restaurant['name']), 'restaurant.name');
      const address = r.address ?? need(text(job.restaurant['address']), 'restaurant.address');
      const phone = r.phone ?? job.config.phone ?? need(text(job.restaurant['phone']), 'restaurant.phone');
      const hours = r.opening_hours.map((h) => ({ day: h.day, open: h.open, close: h.close }));
      // An account this job did not create (cloudwaitressAccount disabled) is recorded as existing, as the original did.
      const acc =
        (await accountId(job.db, job.organisationId, login.email)) ??
        (await upsertAccount(job.db, { organisationId: job.organisationId, restaurantId: job.restaurantId, email: login.email, passwordRef: login.passwordRef, status: 'existing', method: 'playwright' }));
      const rowId = await startRegistration(job.db, {
        organisationId: job.organisationId,
        restaurantId: job.restaurantId,
        accountId: acc,
        type: job.config.settings.first_restaurant_for_account ? 'existing_account_first_restaurant' : 'existing_account_additional_restaurant',
        name,
        address,
        phone,
        hours,
        locale: job.target.portal.locale,
        timezone: job.target.portal.timezone,
        currency: job.target.portal.currency,
      });
      const existing = await platformRestaurant(job.db, job.organisationId, job.restaurantId);
      return {
        input: { account: login, platformRestaurantId: existing?.pumpd_restaurant_id ?? null, name, subdomain: r.subdomain, address, phone, hours },
        accountRowId: acc,
        platformRowId: rowId,
        async after(out) {
          const o = out as { platformRestaurantId: string; subdomain: string; storeUrl: string; dashboardUrl: string; settingsUrl: string; menusUrl: string };
          await finishRegistration(job.db, rowId, { ok: true, platformId: o.platformRestaurantId, subdomain: o.subdomain, storeUrl: o.storeUrl, dashboardUrl: o.dashboardUrl, settingsUrl: o.settingsUrl, menusUrl: o.menusUrl });
          await advanceOnboarding(job.db, job.restaurantId, 'registered');
        },
        failed: (error) => finishRegistration(job.db, rowId, { ok: false, error }),
      };
    },
  },

  websiteConfig: {
    action: 'website_configuration',
    script: 'edit-website-settings',
    async plan(job) {
      const s = job.config.settings;
      const r = job.restaurant;
      const name = job.config.restaurant.name ?? need(text(r['name']), 'restaurant.name');
      const address = job.config.restaurant.address ?? text(r['address']);
      const phone = job.config.restaurant.phone ?? job.config.phone ?? text(r['phone']);
      const location = locationOf(address, job.config.restaurant.city ?? text(r['city']));
      const code = await platformRestaurant(job.db, job.organisationId, job.restaurantId);
      const generated = job.upstream.codeGeneration as { headInjection?: string; bodyInjection?: string } | undefined;
      const img = (col: string | null, n: string) => (col ? imageOf(r[col], n, job.target, job.ctx.signal, job.ctx.log) : Promise.resolve(null));
      const logo = (await img(s.nav_logo_source, 'logo')) ?? (await img('logo_url', 'logo'));
      return {
        input: {
          account: await account(job),
          platformRestaurantId: await platformId(job),
          theme: s.website_theme,
          primaryColour: s.primary_color,
          secondaryColour: s.secondary_color,
          navTextColour: hexOf(s.nav_text_color, job.config),
          cardTextColour: hexOf(s.card_text_color, job.config),
          headerEnabled: s.configure_header,
          itemLayout: s.item_layout,
          logo,
          headerBackground: s.configure_header ? await img(s.header_image, 'header') : null,
          headerLogo: s.configure_header ? await img(s.header_logo_source, 'header-logo') : null,
          favicon: await img(s.favicon_source, 'favicon'),
          seoTitle: s.seo_title ?? `${name}${location ? ` ${location}` : ''} - Order Online for Delivery or Pickup`,
          seoDescription: s.seo_description ?? [address, phone].filter(Boolean).join(' ') + ` - Order online from ${name}`,
          facebookUrl: s.facebook_url ?? text(r['facebook_url']),
          instagramUrl: s.instagram_url ?? text(r['instagram_url']),
          headCode: s.custom_head_code ?? generated?.headInjection ?? code?.head_injection ?? null,
          bodyCode: s.custom_body_code ?? generated?.bodyInjection ?? code?.body_injection ?? null,
        },
        platformRowId: code?.id ?? null,
        async after(out) {
          const o = out as { logoUrl: string | null };
          if (o.logoUrl) await sql`update public.restaurants set hosted_logo_url = ${o.logoUrl} where id = ${job.restaurantId}`.execute(job.db);
          await advanceOnboarding(job.db, job.restaurantId, 'configured');
        },
      };
    },
  },

  servicesConfig: {
    action: 'services_configuration',
    script: 'setup-services-settings',
    async plan(job) {
      return { input: { account: await account(job), platformRestaurantId: await platformId(job) } };
    },
  },

  paymentConfig: {
    action: 'payment_configuration',
    script: 'setup-stripe-payments',
    async plan(job) {
      return {
        input: { account: await account(job), platformRestaurantId: await platformId(job), includeConnectLink: job.config.settings.include_stripe_connect_link, currency: job.config.payment.currency },
        async after(out) {
          const link = (out as { stripeConnectUrl: string | null }).stripeConnectUrl;
          if (link) await sql`update public.restaurants set stripe_connect_url = ${link} where id = ${job.restaurantId}`.execute(job.db);
        },
      };
    },
  },

  menuImport: {
    action: 'menu_import',
    script: 'import-csv-menu',
    async plan(job) {
      const menuId = await menuIdFor(job.db, job.restaurantId, job.config.settings.menu_to_import);
      let csv: string;
      if (job.config.csv_path) {
        try {
          csv = await readFile(job.config.csv_path, 'utf8');
        } catch (err) {
          throw new TaskFailure('missing_input', `csv_path: cannot read ${job.config.csv_path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, false);
        }
      } else {
        csv = exportMenuCsv(await loadMenu(job.db, menuId)).csv;
      }
      const sha256 = createHash('sha256').update(csv, 'utf8').digest('hex');
      return {
        input: { account: await account(job), platformRestaurantId: await platformId(job), csv, sha256 },
        async after() {
          await advanceOnboarding(job.db, job.restaurantId, 'menu_imported');
          return { menuId };
        },
      };
    },
  },

  syncOnboardingUser: {
    action: 'onboarding_sync',
    script: 'onboarding-service update',
    async plan(job) {
      const r = job.restaurant;
      const c = job.config;
      const fields: Record<string, string | null> = {
        restaurant_name: c.restaurant.name ?? text(r['name']),
        email: c.email,
        restaurant_id: await platformId(job),
        address: c.restaurant.address ?? text(r['address']),
        phone: c.restaurant.phone ?? c.phone ?? text(r['phone']),
        contact_person: c.onboarding.user_name ?? text(r['contact_name']),
        director_mobile_number: text(r['contact_phone']),
        director_name: text(r['full_legal_name']),
        primary_color: c.settings.primary_color,
        secondary_color: c.settings.secondary_color,
        facebook_url: c.settings.facebook_url ?? text(r['facebook_url']),
        instagram_url: c.settings.instagram_url ?? text(r['instagram_url']),
        stripe_connect_link: text(r['stripe_connect_url']),
        logo_url: text(r['hosted_logo_url']),
        nzbn: text(r['nzbn']),
        company_name: text(r['company_name']),
        gst_number: c.gst_number ?? text(r['gst_number']),
      };
      return { input: { userEmail: need(c.onboarding.user_email ?? c.email, 'onboarding.user_email'), fields } };
    },
  },

  optionSets: {
    action: 'option_sets',
    script: 'add-option-sets',
    async plan(job) {
      const menuId = await menuIdFor(job.db, job.restaurantId, job.config.settings.menu_to_import);
      const sets = await menuOptionSets(job.db, menuId);
      if (sets.length === 0) return { skip: { created: [], updated: [], unchanged: [], msPerSet: {}, menuId } };
      return {
        input: { account: await account(job), platformRestaurantId: await platformId(job), optionSets: sets },
        after: async () => ({ menuId }),
      };
    },
  },

  itemTags: {
    action: 'item_tags',
    script: 'add-item-tags',
    async plan(job) {
      const menuId = await menuIdFor(job.db, job.restaurantId, job.config.settings.menu_to_import);
      const tags = presetTagsFor(await menuDishes(job.db, menuId));
      return {
        input: { account: await account(job), platformRestaurantId: await platformId(job), tags },
        after: async () => ({ menuId }),
      };
    },
  },
};

/** Any error a flow, the pool or the records can throw, as the failure the machine understands. */
export function toTaskFailure(err: unknown): TaskFailure {
  if (err instanceof TaskFailure) return err;
  const e = err as { code?: unknown; retryable?: unknown; message?: unknown; retryAfterMs?: unknown };
  if (typeof e?.code === 'string' && typeof e.retryable === 'boolean') {
    return new TaskFailure(e.code, String(e.message), e.retryable, typeof e.retryAfterMs === 'number' ? e.retryAfterMs : undefined);
  }
  const fe = classifyError(err);
  return new TaskFailure(fe.code, fe.message, fe.retryable, fe.retryAfterMs);
}

function flowLogger(log: Logger): FlowLogger {
  return {
    info: (o, m) => log.info(o, m),
    warn: (o, m) => log.warn(o, m),
    error: (o, m) => log.error(o, m),
    debug: (o, m) => log.debug(o, m),
  };
}

export function createSubStepHandlers(deps: SubStepHandlerDeps): Record<SubStepKey, TaskHandler> {
  async function run(key: SubStepKey, ctx: TaskContext): Promise<unknown> {
    // The stored input: secret fields are still `{ secret_ref }` here, and stay references until a flow resolves one.
    const input = ctx.task.input as SubStepInput;
    const organisationId = ctx.task.organisationId;
    const restaurantId = need(input?.restaurantId, `${key} input restaurantId`);
    if (!input.config || typeof input.config !== 'object') throw new TaskFailure('missing_input', `${key} ran without an execution config`, false);
    const db = ctx.db;
    const target = await deps.settings.forOrganisation(organisationId);
    const { rows } = await sql<Row>`select * from public.restaurants where id = ${restaurantId}`.execute(db);
    const restaurant = rows[0];
    if (!restaurant) throw new TaskFailure('restaurant_not_found', `restaurant ${restaurantId} does not exist`, false);

    const job: Job = {
      db,
      ctx,
      organisationId,
      restaurantId,
      restaurant,
      config: input.config as Config,
      upstream: input.upstream ?? {},
      target,
      async ref(value, purpose) {
        if (isSecretRef(value)) return value.secret_ref;
        const plain = need(text(value), purpose);
        // A configuration that reached the task with a plain password (not through the engine) is sealed now,
        // so pumpd_accounts and the flows still only ever see a reference.
        return (await deps.secrets.put(plain, { organisationId, purpose: `${key}.${purpose}` })).secret_ref;
      },
    };

    const adapter = ADAPTERS[key];
    const started = Date.now();
    const initiatedBy = `worker:${ctx.workerId}`;
    const base = { organisationId, restaurantId, action: adapter.action, scriptName: adapter.script, initiatedBy };
    let plan: Plan;
    try {
      plan = await adapter.plan(job);
    } catch (err) {
      const f = toTaskFailure(err);
      await logAction(db, { ...base, status: 'failed', error: f.message, ms: Date.now() - started });
      throw f;
    }
    const ids = { accountId: plan.accountRowId ?? null, platformRestaurantRowId: plan.platformRowId ?? null };
    if (plan.skip !== undefined) {
      await logAction(db, { ...base, ...ids, status: 'success', response: { skipped: true, ...(plan.skip as object) }, ms: Date.now() - started });
      await markSetup(db, organisationId, restaurantId, key);
      return plan.skip;
    }

    const saved: { ref: string; name: string; contentType: string; size: number; createdAt: string }[] = [];
    const sink = deps.artifacts
      ? deps.artifacts.sinkFor({ organisationId, taskId: ctx.task.id }, (r) => saved.push({ ...r }))
      : { save: async (name: string) => `discarded:${name}` };
    const flowCtx: FlowContext = { log: flowLogger(ctx.log), signal: ctx.signal, artifacts: sink, secrets: target.secrets, settings: target.portal };
    const flow = SUB_STEP_FLOWS[key] as (c: FlowContext, i: unknown) => Promise<unknown>;
    await logAction(db, { ...base, ...ids, status: 'started', request: redactRequest(plan.input) });
    try {
      const output = BROWSER_FLOWS.has(key)
        ? await poolFor(deps.pool(), target).withContext(async (context) => flow({ ...flowCtx, page: await context.newPage() }, plan.input), { signal: ctx.signal })
        : await flow(flowCtx, plan.input);
      const extra = (await plan.after?.(output)) ?? {};
      await logAction(db, { ...base, ...ids, status: 'success', response: summarise(output), ms: Date.now() - started });
      await markSetup(db, organisationId, restaurantId, key);
      return { ...(output as object), ...extra };
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      const f = toTaskFailure(err);
      if (saved.length) {
        await sql`update public.registration_tasks set artifacts = coalesce(artifacts, '[]'::jsonb) || ${JSON.stringify(saved)}::jsonb
                  where id = ${ctx.task.id}`.execute(db);
      }
      await plan.failed?.(f.message).catch((e: unknown) => ctx.log.warn({ err: String(e) }, 'recording the failure failed'));
      await logAction(db, { ...base, ...ids, status: 'failed', error: f.message, ms: Date.now() - started, screenshots: saved.map((s) => s.ref) });
      throw saved.length ? new TaskFailure(f.code, f.message, f.retryable, f.retryAfterMs, { artifacts: saved.map((s) => s.ref) }) : f;
    }
  }

  return Object.fromEntries(SUB_STEP_KEYS.map((key) => [key, (ctx: TaskContext) => run(key, ctx)])) as Record<SubStepKey, TaskHandler>;
}

/** Log payloads keep their shape but not bulk: a CSV or image bytes become their size. */
function redactRequest(input: unknown): unknown {
  return JSON.parse(
    JSON.stringify(input ?? null, (k, v: unknown) => {
      if (k === 'csv' && typeof v === 'string') return `<${v.length} characters>`;
      if (k === 'data' && v && typeof v === 'object') return '<bytes>';
      if ((k === 'headCode' || k === 'bodyCode') && typeof v === 'string') return `<${v.length} characters>`;
      return v;
    }),
  ) as unknown;
}

function summarise(output: unknown): unknown {
  return redactRequest(output);
}
