// The sandbox portal's memory: every account, restaurant, menu, option set, tag, upload and onboarding user
// it was asked to create, kept as created (duplicates included) so tests can count effects exactly.
import { createHash, randomBytes, randomUUID } from 'node:crypto';

export interface PortalAccount {
  id: string;
  email: string;
  phone: string;
  passwordHash: string;
  integratorId: string;
  createdAt: string;
}

export interface OpeningHoursRow {
  day: string;
  open: string;
  close: string;
}

export interface WebsiteSettings {
  theme: 'dark' | 'light';
  colors: Record<string, string>;
  fonts: { heading: string; normal: string };
  logo: string | null;
  navTextColour: string;
  headerEnabled: boolean;
  headerBackground: string | null;
  headerLogo: string | null;
  itemLayout: 'list' | 'card';
  tagPosition: string;
  favicon: string | null;
  seo: { title: string; description: string };
  social: { facebook: string; instagram: string };
  headCode: string;
  bodyCode: string;
  saves: number;
}

export interface ServiceSettings {
  pickup: Record<string, string | boolean>;
  delivery: Record<string, string | boolean>;
  dineIn: Record<string, string | boolean>;
  tableBookings: Record<string, string | boolean>;
}

export interface PaymentMethod {
  id: string;
  type: 'cash' | 'card' | 'stripe' | 'paypal' | 'poli';
  name: string;
  enabled: boolean;
  settings: Record<string, string | boolean>;
}

export interface PortalMenuItem {
  id: string;
  menuName: string;
  categoryName: string;
  name: string;
  price: string;
  type: 'standard' | 'combo';
  description: string;
  displayName: string;
  printName: string;
  tags: string;
  cdnId: string | null;
  cdnFilename: string | null;
  externalImageUrl: string | null;
}

export interface PortalOptionSet {
  id: string;
  name: string;
  displayName: string;
  conditions: {
    required: boolean;
    multiSelect: boolean;
    quantitySelect: boolean;
    minOptions: number | null;
    maxOptions: number | null;
    freeAmount: number | null;
  };
  options: { name: string; printName: string; price: string; isDefault: boolean }[];
  itemIds: string[];
}

export interface PortalItemTag {
  id: string;
  name: string;
  text: string;
  colour: string;
  itemIds: string[];
}

export interface PortalRestaurant {
  id: string;
  accountId: string;
  name: string;
  subdomain: string;
  address: string;
  mapProvider: string;
  phone: string;
  hours: OpeningHoursRow[];
  locale: string;
  timezone: string;
  currency: string;
  taxInPrices: boolean;
  createdAt: string;
  website: WebsiteSettings;
  services: ServiceSettings;
  payments: PaymentMethod[];
  stripe: { accountId: string | null; links: string[] };
  menuItems: PortalMenuItem[];
  menuImports: { at: string; itemCount: number }[];
  optionSets: PortalOptionSet[];
  itemTags: PortalItemTag[];
}

export interface PortalUpload {
  id: string;
  restaurantId: string;
  kind: string;
  filename: string;
  size: number;
  sha256: string;
  sourceUrl: string | null;
  url: string;
  at: string;
}

export interface CdnFile {
  uuid: string;
  filename: string;
  sourceUrl: string;
  metadata: Record<string, string>;
  storedAt: string;
}

export interface OnboardingUser {
  id: string;
  name: string;
  email: string;
  role: string;
  organisation: string;
  passwordHash: string;
  createdAt: string;
}

export interface OnboardingRecord {
  id: string;
  user_email: string;
  fields: Record<string, unknown>;
  updatedAt: string | null;
}

export interface Session {
  id: string;
  site: 'admin' | 'manage';
  accountId: string;
  expired: boolean;
}

export function hashPassword(password: string): string {
  // A fixed salt is enough for a sandbox: the point is that the store (and so the inspection API) never
  // holds the plain password a test later searches for.
  return createHash('sha256').update(`regbatch-sandbox:${password}`).digest('hex');
}

export function newId(prefix: string): string {
  return `${prefix}${randomBytes(6).toString('hex').toUpperCase()}`;
}

export function defaultWebsite(): WebsiteSettings {
  return {
    theme: 'light',
    colors: {},
    fonts: { heading: 'Roboto', normal: 'Roboto' },
    logo: null,
    navTextColour: '',
    headerEnabled: false,
    headerBackground: null,
    headerLogo: null,
    itemLayout: 'list',
    tagPosition: 'Top Right',
    favicon: null,
    seo: { title: '', description: '' },
    social: { facebook: '', instagram: '' },
    headCode: '',
    bodyCode: '',
    saves: 0,
  };
}

export function defaultServices(): ServiceSettings {
  return {
    pickup: { enabled: true },
    delivery: { enabled: false },
    dineIn: { enabled: true },
    tableBookings: { enabled: true },
  };
}

export function createPortalStore() {
  const accounts: PortalAccount[] = [];
  const pendingRegistrations = new Map<string, { email: string; phone: string; passwordHash: string; integratorId: string }>();
  const restaurants: PortalRestaurant[] = [];
  const uploads: PortalUpload[] = [];
  const cdnFiles: CdnFile[] = [];
  const onboardingUsers: OnboardingUser[] = [];
  const onboardingRecords: OnboardingRecord[] = [];
  const sessions = new Map<string, Session>();
  const codeGenerations: { at: string; restaurantName: string }[] = [];

  return {
    accounts,
    pendingRegistrations,
    restaurants,
    uploads,
    cdnFiles,
    onboardingUsers,
    onboardingRecords,
    sessions,
    codeGenerations,

    findAccountByEmail(email: string): PortalAccount | undefined {
      const e = email.trim().toLowerCase();
      return accounts.find((a) => a.email.toLowerCase() === e);
    },
    restaurant(id: string): PortalRestaurant | undefined {
      return restaurants.find((r) => r.id === id);
    },
    openSession(site: Session['site'], accountId: string): Session {
      const s: Session = { id: randomUUID(), site, accountId, expired: false };
      sessions.set(s.id, s);
      return s;
    },
    expireAllSessions(): void {
      for (const s of sessions.values()) s.expired = true;
    },
    /** Same name twice where the real platform would hold one thing: what a retry without a look-up leaves. */
    duplicates() {
      const dupes = <T>(list: T[], key: (t: T) => string) => {
        const seen = new Map<string, number>();
        for (const t of list) seen.set(key(t), (seen.get(key(t)) ?? 0) + 1);
        return [...seen].filter(([, n]) => n > 1).map(([k, n]) => ({ key: k, count: n }));
      };
      return {
        accounts: dupes(accounts, (a) => a.email.toLowerCase()),
        restaurants: dupes(restaurants, (r) => `${r.accountId}/${r.name.toLowerCase()}`),
        optionSets: restaurants.flatMap((r) => dupes(r.optionSets, (o) => `${r.id}/${o.name.toLowerCase()}`)),
        itemTags: restaurants.flatMap((r) => dupes(r.itemTags, (t) => `${r.id}/${t.name.toLowerCase()}`)),
        stripeMethods: restaurants.flatMap((r) => dupes(r.payments.filter((p) => p.type === 'stripe'), () => `${r.id}/stripe`)),
        menuItems: restaurants.flatMap((r) =>
          dupes(r.menuItems, (i) => `${r.id}/${i.menuName}/${i.categoryName}/${i.name}`.toLowerCase()),
        ),
        cdnFiles: dupes(
          cdnFiles.filter((f) => f.metadata['sourceId']),
          (f) => f.metadata['sourceId'] ?? '',
        ),
        uploads: dupes(uploads, (u) => `${u.restaurantId}/${u.kind}/${u.sha256}`),
        onboardingUsers: dupes(onboardingUsers, (u) => u.email.toLowerCase()),
      };
    },
    reset(): void {
      accounts.length = 0;
      pendingRegistrations.clear();
      restaurants.length = 0;
      uploads.length = 0;
      cdnFiles.length = 0;
      onboardingUsers.length = 0;
      onboardingRecords.length = 0;
      sessions.clear();
      codeGenerations.length = 0;
    },
  };
}

export type PortalStore = ReturnType<typeof createPortalStore>;
