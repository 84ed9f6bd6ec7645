// What every portal route shares: the store, the fault switches, the resolved options, and request helpers
// (sessions from cookies, url-encoded forms, the fault checks each kind of request goes through).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createFaultController, type FaultController } from '../faults';
import { createPortalStore, type PortalStore, type Session } from './store';

/** Route keys the portal asks the shared FaultController about. */
export const PORTAL_FAULT_ROUTES = {
  /** Every HTML page of the admin portal and the manage site (latency = slow pages). */
  page: 'portal.page',
  /** Every save (form post or JSON write) in the admin portal and the manage site (errors = 500 on save). */
  save: 'portal.save',
  /** The account-registration REST API (rateLimit = 429 with Retry-After). */
  register: 'cw.register',
  /** The CDN's from_url upload (latency = the upload completes after the client gave up). */
  cdnUpload: 'cdn.upload',
  /** The onboarding-record lookup. */
  onboarding: 'onboarding.api',
} as const;

export interface PortalOptions {
  store?: PortalStore;
  faults?: FaultController;
  /** Reseller integrators allowed to register accounts; the signature key is `secret`. */
  integrators?: { id: string; secret: string }[];
  /** The e-mail confirmation code /users/register/verify accepts (the original used an admin password). */
  verificationCode?: string;
  /** The manage site's super-admin login. */
  manageAdmin?: { email: string; password: string };
  /** `apikey` header the onboarding-record API wants. */
  onboardingApiKey?: string;
  cdn?: { publicKey: string; secretKey: string };
  /** Customer stores live at <subdomain>.<storeDomain>. */
  storeDomain?: string;
}

export const SANDBOX_PORTAL_DEFAULTS = {
  integrators: [{ id: 'sandbox-integrator', secret: 'sandbox-integrator-secret' }],
  verificationCode: 'sandbox-verification-code',
  manageAdmin: { email: 'admin@manage.sandbox.test', password: 'sandbox-manage-password' },
  onboardingApiKey: 'sandbox-onboarding-key',
  cdn: { publicKey: 'sandbox-cdn-public', secretKey: 'sandbox-cdn-secret' },
  storeDomain: 'pumpd.co.nz',
} as const;

export interface PortalSwitches {
  /** After this many more authenticated requests every session expires (null = never). */
  expireSessionAfter: number | null;
  /** A page whose path contains this string crashes the tab that opens it (null = none). */
  crashPath: string | null;
}

export interface PortalContext {
  store: PortalStore;
  faults: FaultController;
  switches: PortalSwitches;
  opts: Required<Omit<PortalOptions, 'store' | 'faults'>>;
}

export function createPortalContext(options: PortalOptions = {}): PortalContext {
  return {
    store: options.store ?? createPortalStore(),
    faults: options.faults ?? createFaultController(),
    switches: { expireSessionAfter: null, crashPath: null },
    opts: {
      integrators: options.integrators ?? [...SANDBOX_PORTAL_DEFAULTS.integrators],
      verificationCode: options.verificationCode ?? SANDBOX_PORTAL_DEFAULTS.verificationCode,
      manageAdmin: options.manageAdmin ?? { ...SANDBOX_PORTAL_DEFAULTS.manageAdmin },
      onboardingApiKey: options.onboardingApiKey ?? SANDBOX_PORTAL_DEFAULTS.onboardingApiKey,
      cdn: options.cdn ?? { ...SANDBOX_PORTAL_DEFAULTS.cdn },
      storeDomain: options.storeDomain ?? SANDBOX_PORTAL_DEFAULTS.storeDomain,
    },
  };
}

export type FormBody = Record<string, string | string[]>;

export function parseForm(text: string): FormBody {
  const out: FormBody = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else out[k] = Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

export function field(body: unknown, name: string): string {
  const v = (body as FormBody | undefined)?.[name];
  if (Array.isArray(v)) return v[0] ?? '';
  return typeof v === 'string' ? v : '';
}

export function fieldAll(body: unknown, name: string): string[] {
  const v = (body as FormBody | undefined)?.[name];
  if (Array.isArray(v)) return v;
  return typeof v === 'string' ? [v] : [];
}

export function cookie(req: FastifyRequest, name: string): string | null {
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [k, ...rest] = part.trim().split('=');
    if (k === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

export function baseUrl(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The session behind a request, or null. Counts authenticated requests for the session-expiry fault:
 * when the count runs out every open session expires, as a platform that logs users out mid-flow.
 */
export function sessionOf(ctx: PortalContext, req: FastifyRequest, site: Session['site']): Session | null {
  const id = cookie(req, site === 'admin' ? 'cw_session' : 'manage_session');
  const s = id ? ctx.store.sessions.get(id) : undefined;
  if (!s || s.site !== site || s.expired) return null;
  if (ctx.switches.expireSessionAfter !== null) {
    ctx.switches.expireSessionAfter -= 1;
    if (ctx.switches.expireSessionAfter < 0) {
      ctx.switches.expireSessionAfter = null;
      ctx.store.expireAllSessions();
      return null;
    }
  }
  return s;
}

/** Applies the shared fault decision for `route`; returns true when the reply was sent (error / 429). */
export async function applyFault(
  ctx: PortalContext,
  route: string,
  reply: FastifyReply,
  render: (status: number) => { type: string; body: string },
): Promise<boolean> {
  const d = ctx.faults.decide(route);
  if (d.latencyMs > 0) await sleep(d.latencyMs);
  if (d.kind === 'error') {
    const r = render(d.status);
    await reply.code(d.status).type(r.type).send(r.body);
    return true;
  }
  if (d.kind === 'rateLimited') {
    const r = render(429);
    await reply.code(429).header('retry-after', String(d.retryAfterSeconds)).type(r.type).send(r.body);
    return true;
  }
  return false;
}
