// Typed client of the portal's test-only API (/__portal): tests, the demo's verification and the fault
// switches go through it instead of reading the store directly, so they also work against a separate process.
import type { FaultSpec } from '../faults';
import type {
  CdnFile,
  OnboardingRecord,
  OnboardingUser,
  PaymentMethod,
  PortalItemTag,
  PortalMenuItem,
  PortalOptionSet,
  PortalUpload,
  ServiceSettings,
  WebsiteSettings,
} from './store';

export interface RestaurantSummary {
  id: string;
  accountId: string;
  name: string;
  subdomain: string;
  address: string;
  phone: string;
  hours: { day: string; open: string; close: string }[];
  locale: string;
  timezone: string;
  currency: string;
  taxInPrices: boolean;
  menuItemCount: number;
  optionSetCount: number;
  itemTagCount: number;
}

export interface DuplicateReport {
  accounts: { key: string; count: number }[];
  restaurants: { key: string; count: number }[];
  optionSets: { key: string; count: number }[];
  itemTags: { key: string; count: number }[];
  stripeMethods: { key: string; count: number }[];
  menuItems: { key: string; count: number }[];
  cdnFiles: { key: string; count: number }[];
  uploads: { key: string; count: number }[];
  onboardingUsers: { key: string; count: number }[];
}

export function createPortalClient(baseUrl: string) {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl}/__portal${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`portal ${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    accounts: () => call<{ id: string; email: string; phone: string; restaurantIds: string[] }[]>('GET', '/accounts'),
    restaurantsOf: (email: string) => call<RestaurantSummary[]>('GET', `/accounts/${encodeURIComponent(email)}/restaurants`),
    restaurant: (id: string) =>
      call<
        RestaurantSummary & {
          website: WebsiteSettings;
          services: ServiceSettings;
          payments: PaymentMethod[];
          stripe: { accountId: string | null; links: string[] };
        }
      >('GET', `/restaurants/${id}`),
    menu: (id: string) => call<{ items: PortalMenuItem[]; imports: { at: string; itemCount: number }[] }>('GET', `/restaurants/${id}/menu`),
    optionSets: (id: string) => call<(PortalOptionSet & { itemNames: string[] })[]>('GET', `/restaurants/${id}/option-sets`),
    itemTags: (id: string) => call<(PortalItemTag & { itemNames: string[] })[]>('GET', `/restaurants/${id}/item-tags`),
    uploads: () => call<{ cdn: CdnFile[]; portal: PortalUpload[] }>('GET', '/uploads'),
    onboardingUsers: () => call<Omit<OnboardingUser, 'passwordHash'>[]>('GET', '/onboarding-users'),
    onboardingRecords: () => call<OnboardingRecord[]>('GET', '/onboarding-records'),
    codeGenerations: () => call<{ at: string; restaurantName: string }[]>('GET', '/code-generations'),
    duplicates: () => call<DuplicateReport>('GET', '/duplicates'),
    setFault: (route: string, spec: FaultSpec) => call<unknown>('PUT', `/faults/${encodeURIComponent(route)}`, spec),
    setSwitches: (s: { expireSessionAfter?: number | null; crashPath?: string | null }) => call<unknown>('PUT', '/switches', s),
    clearFaults: () => call<unknown>('DELETE', '/faults'),
    reset: () => call<unknown>('POST', '/reset'),
  };
}

export type PortalClient = ReturnType<typeof createPortalClient>;
