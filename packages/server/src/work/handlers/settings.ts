// Where an organisation's real handlers point (DESIGN §5): organisations.settings read per task, its target
// (sandbox or production), the registry and portal settings the automation takes, the hosts a browser context may
// reach, and a secret resolver that decrypts the settings' and the task's secrets through the engine's store at use.
import { sql } from 'kysely';
import { SANDBOX_PORTAL_DEFAULTS, type PortalSettings, type RegistrySettings, type SecretResolver } from '@regbatch/automation';
import type { Db } from '../../engine/db';
import { isSecretRef, type SecretRef, type SecretStore } from '../../secrets/store';
import { TaskFailure } from '../registry';

export type OrganisationTargetKind = 'sandbox' | 'production';

/** The secret keys organisations.settings may hold (the API's SETTINGS_SECRET_KEYS), each `{ secret_ref }`. */
const SETTINGS_SECRETS = ['managePassword', 'integratorSecret', 'verificationCode', 'onboardingKey', 'nzbnApiKey', 'cdnSecret'] as const;
type SettingsSecret = (typeof SETTINGS_SECRETS)[number];

/** The sandbox's own credentials, used for a sandbox-target organisation that stored none of its own. */
const SANDBOX_SECRETS: Record<SettingsSecret, string> = {
  managePassword: SANDBOX_PORTAL_DEFAULTS.manageAdmin.password,
  integratorSecret: SANDBOX_PORTAL_DEFAULTS.integrators[0].secret,
  verificationCode: SANDBOX_PORTAL_DEFAULTS.verificationCode,
  onboardingKey: SANDBOX_PORTAL_DEFAULTS.onboardingApiKey,
  nzbnApiKey: 'sandbox-key',
  cdnSecret: SANDBOX_PORTAL_DEFAULTS.cdn.secretKey,
};

/** Prefix of the references PortalSettings carries for the organisation's stored secrets. */
const SETTINGS_REF = 'settings:';

export interface OrganisationTarget {
  readonly organisationId: string;
  readonly kind: OrganisationTargetKind;
  readonly registry: RegistrySettings;
  /** Secret fields hold references (`settings:<key>`), resolved by `secrets` at the moment of use. */
  readonly portal: PortalSettings;
  /** Hosts a browser context of this organisation may reach. */
  readonly allowedHosts: readonly string[];
  /** Where a lead's store URL is read: the sandbox serves every store page under its own host. */
  storeUrl(leadStoreUrl: string): string;
  /** Decrypts `settings:<key>` references and the engine's `<uuid>` secret references. */
  readonly secrets: SecretResolver;
}

export interface SettingsResolverDeps {
  readonly db: Db;
  readonly secrets: SecretStore;
  /** The sandbox this worker process drives when an organisation's target is `sandbox` and it names no URLs. */
  readonly sandboxUrl?: string | null;
  /** How long a read of organisations.settings is reused (ms); settings changes apply after it. Default 10 s. */
  readonly cacheMs?: number;
  readonly now?: () => number;
}

export interface SettingsResolver {
  forOrganisation(organisationId: string): Promise<OrganisationTarget>;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
const trimSlash = (u: string) => u.replace(/\/+$/, '');

function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

/** A stored secret's value through the engine's store (or a plain value an operator left unencrypted). */
async function revealStored(store: SecretStore, value: unknown): Promise<string | null> {
  if (isSecretRef(value)) return store.reveal(value);
  return text(value);
}

/** The engine's references travel as `{ secret_ref }`; flows take a string: the uuid itself. */
export function refString(ref: SecretRef): string {
  return ref.secret_ref;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function createSettingsResolver(deps: SettingsResolverDeps): SettingsResolver {
  const cacheMs = deps.cacheMs ?? 10_000;
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { at: number; value: Promise<OrganisationTarget> }>();

  async function load(organisationId: string): Promise<OrganisationTarget> {
    const { rows } = await sql<{ settings: Record<string, unknown> | null }>`
      select settings from public.organisations where id = ${organisationId}`.execute(deps.db);
    if (!rows[0]) throw new TaskFailure('organisation_not_found', `organisation ${organisationId} does not exist`, false);
    const s = (rows[0].settings ?? {}) as Record<string, unknown>;
    const kind: OrganisationTargetKind = s['target'] === 'production' ? 'production' : 'sandbox';
    const sandbox = deps.sandboxUrl ? trimSlash(deps.sandboxUrl) : null;

    // A sandbox-target organisation may leave every URL to the worker's sandbox; production must name them all.
    const missing: string[] = [];
    const url = (key: string, sandboxPath: string): string => {
      const own = text(s[key]);
      if (own) return trimSlash(own);
      if (kind === 'sandbox' && sandbox) return `${sandbox}${sandboxPath}`;
      missing.push(key);
      return '';
    };
    const plain = (key: string, sandboxValue: string): string => {
      const own = text(s[key]);
      if (own) return own;
      if (kind === 'sandbox') return sandboxValue;
      missing.push(key);
      return '';
    };
    for (const key of SETTINGS_SECRETS) if (kind === 'production' && !isSecretRef(s[key]) && !text(s[key])) missing.push(key);

    const registry: RegistrySettings = {
      nzbnBaseUrl: url('nzbnApiUrl', '/gateway/nzbn/v5'),
      nzbnSubscriptionKey: 'resolved-below',
      registerBaseUrl: url('registerUrl', ''),
    };
    const portal: PortalSettings = {
      adminUrl: url('adminUrl', '/admin'),
      manageUrl: url('manageUrl', '/manage'),
      manageEmail: plain('manageEmail', SANDBOX_PORTAL_DEFAULTS.manageAdmin.email),
      managePasswordRef: `${SETTINGS_REF}managePassword`,
      apiUrl: url('apiUrl', '/cw-api'),
      integratorId: plain('integratorId', SANDBOX_PORTAL_DEFAULTS.integrators[0].id),
      integratorSecretRef: `${SETTINGS_REF}integratorSecret`,
      verificationCodeRef: `${SETTINGS_REF}verificationCode`,
      onboardingUrl: url('onboardingUrl', '/onboarding'),
      onboardingKeyRef: `${SETTINGS_REF}onboardingKey`,
      cdnUrl: url('cdnUrl', '/cdn'),
      cdnPublicKey: plain('cdnPublicKey', SANDBOX_PORTAL_DEFAULTS.cdn.publicKey),
      cdnSecretRef: `${SETTINGS_REF}cdnSecret`,
      storeDomain: text(s['storeDomain']) ?? SANDBOX_PORTAL_DEFAULTS.storeDomain,
      locale: text(s['locale']) ?? 'en-NZ',
      timezone: text(s['timezone']) ?? 'Pacific/Auckland',
      currency: text(s['currency']) ?? 'NZD',
      ...(kind === 'sandbox' ? { actionTimeoutMs: 15_000, httpTimeoutMs: 15_000 } : { actionTimeoutMs: 30_000, httpTimeoutMs: 30_000 }),
    };
    if (missing.length) {
      throw new TaskFailure(
        'settings_missing',
        kind === 'sandbox'
          ? `organisation ${organisationId} (target sandbox) names no ${missing.join(', ')} and this worker runs without a sandbox URL (--sandbox-url)`
          : `organisation ${organisationId} (target production) is missing settings: ${missing.join(', ')}`,
        false,
      );
    }

    const resolver: SecretResolver = {
      async resolve(ref: string): Promise<string> {
        if (ref.startsWith(SETTINGS_REF)) {
          const key = ref.slice(SETTINGS_REF.length) as SettingsSecret;
          if (!(SETTINGS_SECRETS as readonly string[]).includes(key)) throw new TaskFailure('secret_unknown', `no organisation setting "${key}"`, false);
          const stored = await revealStored(deps.secrets, s[key]);
          if (stored) return stored;
          if (kind === 'sandbox') return SANDBOX_SECRETS[key];
          throw new TaskFailure('settings_missing', `organisation ${organisationId} has no ${key} in its settings`, false);
        }
        if (UUID_RE.test(ref)) return deps.secrets.reveal({ secret_ref: ref });
        throw new TaskFailure('secret_unknown', `"${ref.slice(0, 12)}…" is not a secret reference`, false);
      },
    };
    registry.nzbnSubscriptionKey = await resolver.resolve(`${SETTINGS_REF}nzbnApiKey`);

    const hosts = new Set<string>();
    for (const u of [registry.nzbnBaseUrl, registry.registerBaseUrl, portal.adminUrl, portal.manageUrl, portal.apiUrl, portal.onboardingUrl, portal.cdnUrl, kind === 'sandbox' ? sandbox : null]) {
      const h = hostOf(u);
      if (h) hosts.add(h);
    }
    return {
      organisationId,
      kind,
      registry,
      portal,
      allowedHosts: [...hosts],
      storeUrl: (leadStoreUrl) => (kind === 'sandbox' && sandbox ? `${sandbox}${new URL(leadStoreUrl).pathname}` : leadStoreUrl),
      secrets: resolver,
    };
  }

  return {
    forOrganisation(organisationId) {
      const hit = cache.get(organisationId);
      if (hit && now() - hit.at < cacheMs) return hit.value;
      const value = load(organisationId);
      cache.set(organisationId, { at: now(), value });
      // A failed read is not cached: the next task reads again.
      value.catch(() => cache.delete(organisationId));
      return value;
    },
  };
}
