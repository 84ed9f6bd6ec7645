// The RegistryClient the step handlers use: names through the NZBN API, addresses through the register
// search, details from the NZBN entity. Pointing it at the real services is a settings change.
import { z } from 'zod';
import { createCompaniesOfficeClient, type CompaniesOfficeClientOptions } from './companiesOfficeClient';
import { createNzbnClient, NZBN_STATUS_FILTERS, type NzbnClientOptions } from './nzbnClient';
import type { RegistryClient } from './types';

export const RegistrySettingsSchema = z.object({
  nzbnBaseUrl: z.url(),
  nzbnSubscriptionKey: z.string().min(1, 'NZBN API subscription key is required'),
  registerBaseUrl: z.url(),
  timeoutMs: z.number().int().positive().max(120_000).default(15_000),
  /** Status filter for name searches; empty = all statuses. */
  nameStatuses: z.array(z.enum(NZBN_STATUS_FILTERS)).default([]),
  /** Status groups for address searches; empty = ALL. */
  addressStatusGroups: z.array(z.string()).default(['REGISTERED']),
});
export type RegistrySettings = z.input<typeof RegistrySettingsSchema>;

export const NZBN_PRODUCTION_BASE_URL = 'https://api.business.govt.nz/gateway/nzbn/v5';
export const REGISTER_PRODUCTION_BASE_URL = 'https://app.companiesoffice.govt.nz';

/** Base URLs of the sandbox's registry routes. */
export function sandboxRegistrySettings(sandboxUrl: string, subscriptionKey = 'sandbox-key'): RegistrySettings {
  return { nzbnBaseUrl: `${sandboxUrl}/gateway/nzbn/v5`, nzbnSubscriptionKey: subscriptionKey, registerBaseUrl: sandboxUrl };
}

export function createRegistryClient(
  settings: RegistrySettings,
  extra: { now?: () => number; nzbn?: Partial<NzbnClientOptions>; register?: Partial<CompaniesOfficeClientOptions> } = {},
): RegistryClient {
  const s = RegistrySettingsSchema.parse(settings);
  const nzbn = createNzbnClient({
    baseUrl: s.nzbnBaseUrl,
    subscriptionKey: s.nzbnSubscriptionKey,
    timeoutMs: s.timeoutMs,
    statuses: s.nameStatuses,
    ...(extra.now ? { now: extra.now } : {}),
    ...extra.nzbn,
  });
  const register = createCompaniesOfficeClient({
    baseUrl: s.registerBaseUrl,
    timeoutMs: s.timeoutMs,
    statusGroups: s.addressStatusGroups,
    ...(extra.now ? { now: extra.now } : {}),
    ...extra.register,
  });
  return {
    searchByName: (name, opts) => nzbn.searchByName(name, opts),
    searchByAddress: (query, opts) => register.searchByAddress(query, opts),
    getCompany: (ref, opts) => nzbn.getCompany(ref, opts),
  };
}
