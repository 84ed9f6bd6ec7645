// Test and demo support for the flows: settings pointing at a sandbox, an in-memory secret store, an
// artifacts sink on disk, a log that keeps its lines (so tests can search them for a password), and a
// context builder. Real components only: these feed the real flows against the real sandbox.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SANDBOX_PORTAL_DEFAULTS } from '../sandbox/portal/context';
import type { ArtifactSink, FlowContext, FlowLogger, PortalSettings, SecretResolver } from './context';

export function sandboxPortalSettings(sandboxUrl: string, overrides: Partial<PortalSettings> = {}): PortalSettings {
  const d = SANDBOX_PORTAL_DEFAULTS;
  return {
    adminUrl: `${sandboxUrl}/admin`,
    manageUrl: `${sandboxUrl}/manage`,
    manageEmail: d.manageAdmin.email,
    managePasswordRef: 'secret:manage-password',
    apiUrl: `${sandboxUrl}/cw-api`,
    integratorId: d.integrators[0].id,
    integratorSecretRef: 'secret:integrator',
    verificationCodeRef: 'secret:verification-code',
    onboardingUrl: `${sandboxUrl}/onboarding`,
    onboardingKeyRef: 'secret:onboarding-key',
    cdnUrl: `${sandboxUrl}/cdn`,
    cdnPublicKey: d.cdn.publicKey,
    cdnSecretRef: 'secret:cdn',
    storeDomain: d.storeDomain,
    locale: 'en-NZ',
    timezone: 'Pacific/Auckland',
    currency: 'NZD',
    actionTimeoutMs: 10_000,
    httpTimeoutMs: 10_000,
    ...overrides,
  };
}

/** Secrets by reference; the sandbox's own credentials are pre-filled. */
export function memorySecrets(extra: Record<string, string> = {}): SecretResolver & { set(ref: string, value: string): void } {
  const d = SANDBOX_PORTAL_DEFAULTS;
  const values = new Map<string, string>(
    Object.entries({
      'secret:manage-password': d.manageAdmin.password,
      'secret:integrator': d.integrators[0].secret,
      'secret:verification-code': d.verificationCode,
      'secret:onboarding-key': d.onboardingApiKey,
      'secret:cdn': d.cdn.secretKey,
      ...extra,
    }),
  );
  return {
    async resolve(ref) {
      const v = values.get(ref);
      if (v === undefined) throw new Error(`unknown secret reference ${ref}`);
      return v;
    },
    set(ref, value) {
      values.set(ref, value);
    },
  };
}

export function diskArtifacts(dir: string): ArtifactSink & { saved: { name: string; path: string; contentType: string }[] } {
  const saved: { name: string; path: string; contentType: string }[] = [];
  return {
    saved,
    async save(name, data, contentType) {
      await mkdir(dir, { recursive: true });
      const path = join(dir, `${saved.length + 1}-${name}`);
      await writeFile(path, data);
      saved.push({ name, path, contentType });
      return path;
    },
  };
}

export function memoryLog(echo = false): FlowLogger & { lines: string[] } {
  const lines: string[] = [];
  const put = (level: string) => (obj: Record<string, unknown>, msg?: string) => {
    const line = JSON.stringify({ level, ...obj, msg });
    lines.push(line);
    if (echo) console.log(line);
  };
  return { lines, info: put('info'), warn: put('warn'), error: put('error'), debug: put('debug') };
}

export function flowContext(parts: Omit<FlowContext, 'signal'> & { signal?: AbortSignal }): FlowContext {
  return { ...parts, signal: parts.signal ?? new AbortController().signal };
}

/**
 * A registered account with one restaurant, made over plain HTTP against the sandbox (register API, login,
 * create form): the fast fresh starting point for flow tests that are not about registration.
 */
export async function seedRestaurant(
  sandboxUrl: string,
  opts: { email: string; password: string; name: string; subdomain: string; phone?: string },
): Promise<{ restaurantId: string }> {
  const { registrationSignature } = await import('../sandbox/portal/apis');
  const d = SANDBOX_PORTAL_DEFAULTS;
  const post = (path: string, body: string, type: string, cookie = '') =>
    fetch(`${sandboxUrl}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': type, cookie }, body });
  const phone = opts.phone ?? '+6495550100';
  const startRes = await post(
    '/cw-api/users/register/start',
    JSON.stringify({ integrator_id: d.integrators[0].id, email: opts.email, phone, password: opts.password, signature: registrationSignature(d.integrators[0].secret, opts.email, phone, opts.password) }),
    'application/json',
  );
  const start = (await startRes.json()) as { token?: string };
  if (start.token) {
    await post('/cw-api/users/register/verify', JSON.stringify({ token: start.token, email_confirmation_code: d.verificationCode }), 'application/json');
  }
  const login = await post('/admin/login', new URLSearchParams({ email: opts.email, password: opts.password }).toString(), 'application/x-www-form-urlencoded');
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const form = new URLSearchParams({
    name: opts.name,
    subdomain: opts.subdomain,
    mapProvider: 'Google Maps',
    address: '1 Queen Street, Auckland Central, Auckland 1010, New Zealand',
    addressPlaceId: 'place_seed',
    phone,
    slotDay: 'Monday',
    slotOpen: '11:00',
    slotClose: '21:00',
    locale: 'en-NZ',
    timezone: 'Pacific/Auckland',
    currency: 'NZD',
    taxInPrices: 'on',
  });
  const created = await post('/admin/restaurants/new', form.toString(), 'application/x-www-form-urlencoded', cookie);
  if (created.status !== 302) throw new Error(`seedRestaurant: create answered ${created.status}: ${await created.text()}`);
  const list = (await (await fetch(`${sandboxUrl}/__portal/accounts/${encodeURIComponent(opts.email)}/restaurants`)).json()) as { id: string; subdomain: string }[];
  const r = list.find((x) => x.subdomain === opts.subdomain);
  if (!r) throw new Error('seedRestaurant: restaurant not found after creation');
  return { restaurantId: r.id };
}
