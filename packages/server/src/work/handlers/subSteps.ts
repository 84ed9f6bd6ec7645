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
  cloudwaitressAccountInput,
  codeGenerationInput,
  createOnboardingUserInput,
  exportMenuCsv,
  itemTagsInput,
  menuImportInput,
  optionSetsInput,
  paymentConfigInput,
  restaurantRegistrationInput,
  servicesConfigInput,
  syncOnboardingUserInput,
  websiteConfigInput,
  type BrowserPool,
  type FlowContext,
  type FlowLogger,
  type ImageInput,
  type MenuCsvExport,
  type WebsiteImages,
} from '@regbatch/automation';
import { SUB_STEP_KEYS, isSecretRef as isConfigSecretRef, type ExecutionConfig, type RestaurantFacts, type SubStepInput, type SubStepKey } from '@regbatch/machines';
import type { Db } from '../../engine/db';
import type { ArtifactStore } from '../../ops/artifacts';
import type { SecretStore } from '../../secrets/store';
import { restaurantFacts } from '../../api/rows';
import { TaskFailure, type TaskContext, type TaskHandler } from '../registry';
import { loadMenu, menuIdFor, menuImages, menuOptionSets, saveUploadedImages } from './menuData';
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
  readonly facts: RestaurantFacts;
  /** The job's configuration with every secret as a reference (the flows' input builders refuse plain ones). */
  readonly config: Config;
  readonly upstream: Partial<Record<SubStepKey, unknown>>;
  readonly target: OrganisationTarget;
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

/** The platform's RES… id: from the registration's output, else from the stored pumpd_restaurants row. */
async function platformId(job: Job): Promise<string> {
  const out = job.upstream.restaurantRegistration as { platformRestaurantId?: string } | undefined;
  const stored = out?.platformRestaurantId ?? (await platformRestaurant(job.db, job.organisationId, job.restaurantId))?.pumpd_restaurant_id;
  return need(stored, `the platform restaurant id of restaurant ${job.restaurantId} (restaurantRegistration has not run)`);
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
      const input = cloudwaitressAccountInput(job.config, job.facts);
      const id = await upsertAccount(job.db, { organisationId: job.organisationId, restaurantId: job.restaurantId, email: input.email, passwordRef: input.passwordRef, status: 'in_progress', method: 'api' });
      return {
        input,
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
      const rowId = await ensurePlatformRestaurant(job.db, job.organisationId, job.restaurantId);
      return {
        input: codeGenerationInput(job.config, job.facts),
        platformRowId: rowId,
        async after(out) {
          const o = out as { headInjection: string; bodyInjection: string; configuration: unknown };
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
      return { input: createOnboardingUserInput(job.config, job.facts) };
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
      const existing = await platformRestaurant(job.db, job.organisationId, job.restaurantId);
      const input = restaurantRegistrationInput(job.config, job.facts, existing?.pumpd_restaurant_id ?? null);
      // An account this job did not create (cloudwaitressAccount disabled) is recorded as existing, as the original did.
      const acc =
        (await accountId(job.db, job.organisationId, input.account.email)) ??
        (await upsertAccount(job.db, { organisationId: job.organisationId, restaurantId: job.restaurantId, email: input.account.email, passwordRef: input.account.passwordRef, status: 'existing', method: 'playwright' }));
      const rowId = await startRegistration(job.db, {
        organisationId: job.organisationId,
        restaurantId: job.restaurantId,
        accountId: acc,
        type: job.config.settings.first_restaurant_for_account ? 'existing_account_first_restaurant' : 'existing_account_additional_restaurant',
        name: input.name,
        address: input.address,
        phone: input.phone,
        hours: input.hours,
        locale: job.target.portal.locale,
        timezone: job.target.portal.timezone,
        currency: job.target.portal.currency,
      });
      return {
        input,
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
      const code = await platformRestaurant(job.db, job.organisationId, job.restaurantId);
      const generated = job.upstream.codeGeneration as { headInjection?: string; bodyInjection?: string } | undefined;
      const img = (col: string | null, n: string) => (col ? imageOf(r[col], n, job.target, job.ctx.signal, job.ctx.log) : Promise.resolve(null));
      const images: WebsiteImages = {
        logo: (await img(s.nav_logo_source, 'logo')) ?? (await img('logo_url', 'logo')),
        favicon: await img(s.favicon_source, 'favicon'),
        headerBackground: s.configure_header ? await img(s.header_image, 'header') : null,
        headerLogo: s.configure_header ? await img(s.header_logo_source, 'header-logo') : null,
      };
      return {
        input: websiteConfigInput(job.config, job.facts, {
          platformRestaurantId: await platformId(job),
          headCode: generated?.headInjection ?? code?.head_injection ?? null,
          bodyCode: generated?.bodyInjection ?? code?.body_injection ?? null,
          images,
        }),
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
      return { input: servicesConfigInput(job.config, await platformId(job)) };
    },
  },

  paymentConfig: {
    action: 'payment_configuration',
    script: 'setup-stripe-payments',
    async plan(job) {
      return {
        input: paymentConfigInput(job.config, await platformId(job)),
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
      let exported: MenuCsvExport;
      if (job.config.csv_path) {
        let csv: string;
        try {
          csv = await readFile(job.config.csv_path, 'utf8');
        } catch (err) {
          throw new TaskFailure('missing_input', `csv_path: cannot read ${job.config.csv_path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, false);
        }
        exported = { csv, sha256: createHash('sha256').update(csv, 'utf8').digest('hex'), rows: -1 };
      } else {
        exported = exportMenuCsv(await loadMenu(job.db, menuId));
      }
      return {
        input: menuImportInput(job.config, await platformId(job), exported),
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
      return {
        input: syncOnboardingUserInput(job.config, job.facts, {
          platformRestaurantId: await platformId(job),
          stripeConnectUrl: text(r['stripe_connect_url']),
          logoUrl: text(r['hosted_logo_url']),
        }),
      };
    },
  },

  optionSets: {
    action: 'option_sets',
    script: 'add-option-sets',
    async plan(job) {
      const menuId = await menuIdFor(job.db, job.restaurantId, job.config.settings.menu_to_import);
      const sets = await menuOptionSets(job.db, menuId);
      if (sets.length === 0) return { skip: { created: [], updated: [], unchanged: [], msPerSet: {}, menuId } };
      return { input: optionSetsInput(job.config, await platformId(job), sets), after: async () => ({ menuId }) };
    },
  },

  itemTags: {
    action: 'item_tags',
    script: 'add-item-tags',
    async plan(job) {
      const menuId = await menuIdFor(job.db, job.restaurantId, job.config.settings.menu_to_import);
      return { input: itemTagsInput(job.config, await platformId(job), await loadMenu(job.db, menuId)), after: async () => ({ menuId }) };
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

    // A configuration that reached the task with a plain password (not through the engine) is sealed now, so
    // pumpd_accounts and the flows only ever see references.
    const config = structuredClone(input.config) as Config;
    const seal = async (value: unknown, purpose: string) =>
      typeof value === 'string' && value !== '' ? (await deps.secrets.put(value, { organisationId, purpose: `${key}.${purpose}` })) : value;
    config.password = (await seal(config.password, 'password')) as Config['password'];
    if (config.onboarding) config.onboarding.user_password = (await seal(config.onboarding.user_password, 'onboarding.user_password')) as Config['password'];
    if (!isConfigSecretRef(config.password)) throw new TaskFailure('missing_input', `${key}: execution_config.password is missing`, false);

    const job: Job = {
      db,
      ctx,
      organisationId,
      restaurantId,
      restaurant,
      facts: restaurantFacts(restaurant),
      config,
      upstream: input.upstream ?? {},
      target,
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
