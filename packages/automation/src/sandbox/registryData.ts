// The sandbox's register: loads a registry file (fixtures/registry.json format), searches it the way the
// NZBN API and the Companies Office search do, and renders entities in the NZBN API v5 JSON shapes.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { foldAccents, tokens } from '../util/text';

const dateString = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

const DirectorSchema = z.object({
  first_name: z.string(),
  middle_names: z.string().nullable().default(''),
  last_name: z.string(),
  role: z.string().default('Director'),
  appointed: dateString.nullable().default(null),
  ceased: dateString.nullable().default(null),
});

const HolderSchema = z.object({ name: z.string().min(1), type: z.string().default('Individual') });

/**
 * A shareholding parcel. The fixture writes one holder per entry (`name`, `type`); a joint parcel
 * (e.g. the trustees of a family trust) lists its holders in `holders` instead.
 */
const ShareholderSchema = z
  .object({
    name: z.string().min(1).optional(),
    type: z.string().default('Individual'),
    holders: z.array(HolderSchema).min(1).optional(),
    shares: z.number().int().nonnegative(),
  })
  .refine((s) => s.name !== undefined || s.holders !== undefined, { message: 'a shareholder needs name or holders' });

export const RegistryEntrySchema = z.object({
  company_number: z.string().regex(/^\d{1,8}$/),
  nzbn: z.string().regex(/^\d{13}$/),
  name: z.string().min(1),
  status: z.string().min(1),
  entity_type: z.string().default('NZ Limited Company'),
  incorporation_date: dateString,
  removed_on: dateString.nullable().default(null),
  registered_address: z.string(),
  trading_names: z.array(z.string()).default([]),
  previous_names: z.array(z.string()).default([]),
  directors: z.array(DirectorSchema).default([]),
  shareholders: z.array(ShareholderSchema).default([]),
  total_shares: z.number().int().positive(),
  nzbn_details: z
    .object({
      emails: z.array(z.string()).default([]),
      phones: z.array(z.string()).default([]),
      websites: z.array(z.string()).default([]),
      gst_numbers: z.array(z.string()).default([]),
    })
    .default({ emails: [], phones: [], websites: [], gst_numbers: [] }),
});
export type RegistryEntry = z.infer<typeof RegistryEntrySchema>;

export const RegistryFileSchema = z.array(RegistryEntrySchema);

export function loadRegistryFile(path: string): RegistryEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`registry file ${path}: ${(err as Error).message}`, { cause: err });
  }
  const parsed = RegistryFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`registry file ${path}: entry ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------------
// Status vocabulary: the NZBN filter names, response codes, and the Companies Office status groups.

interface StatusInfo {
  code: string;
  filter: string;
  group: string;
}
const STATUS: Record<string, StatusInfo> = {
  registered: { code: '50', filter: 'Registered', group: 'REGISTERED' },
  'voluntary administration': { code: '55', filter: 'VoluntaryAdministration', group: 'VOLUNTARY_ADMINISTRATION' },
  'in liquidation': { code: '60', filter: 'InLiquidation', group: 'IN_LIQUIDATION' },
  'in receivership': { code: '70', filter: 'InReceivership', group: 'IN_RECEIVERSHIP' },
  'in statutory administration': { code: '72', filter: 'InStatutoryAdministration', group: 'STATUTORY_ADMINISTRATION' },
  removed: { code: '80', filter: 'RemovedClosed', group: 'CLOSED' },
  inactive: { code: '90', filter: 'Inactive', group: 'INACTIVE' },
  'removed/closed': { code: '91', filter: 'RemovedClosed', group: 'CLOSED' },
};
export function statusInfo(status: string): StatusInfo {
  return STATUS[status.toLowerCase()] ?? { code: '50', filter: status.replace(/\s+/g, ''), group: status.toUpperCase() };
}

// ---------------------------------------------------------------------------------------------------
// Search. The real services rank loosely (word overlap); the sandbox keeps that spirit but is
// deterministic: a name matches when at least half of the query's significant words occur in one of
// the entity's names, an address when all of the keyword's words occur in one of its addresses.

const NAME_STOPWORDS = new Set(['and', 'the', 'limited', 'ltd', 'nz', 'new', 'zealand']);
const ADDRESS_SYNONYMS: Record<string, string> = {
  st: 'street', rd: 'road', ave: 'avenue', av: 'avenue', dr: 'drive', pl: 'place', cres: 'crescent',
  tce: 'terrace', ln: 'lane', hwy: 'highway', sh: 'highway', mt: 'mount', pde: 'parade', sq: 'square',
};

function nameTokens(s: string): string[] {
  return tokens(s).filter((t) => !NAME_STOPWORDS.has(t));
}
function addressTokens(s: string): string[] {
  return tokens(s).map((t) => ADDRESS_SYNONYMS[t] ?? t);
}

export function nameMatchScore(entry: RegistryEntry, query: string): number {
  const q = [...new Set(nameTokens(query))];
  const folded = foldAccents(query).trim();
  if (folded === entry.nzbn || folded === entry.company_number) return 1;
  if (q.length === 0) return 0;
  let best = 0;
  for (const name of [entry.name, ...entry.trading_names, ...entry.previous_names]) {
    const have = new Set(nameTokens(name));
    const hit = q.filter((t) => have.has(t)).length;
    if (hit * 2 >= q.length && hit > 0) best = Math.max(best, hit / q.length);
  }
  return best;
}

export function addressMatches(entry: RegistryEntry, keyword: string): boolean {
  const q = addressTokens(keyword);
  if (q.length === 0) return false;
  const have = new Set(addressTokens(entry.registered_address));
  return q.every((t) => have.has(t));
}

export function sortByScore<T extends { entry: RegistryEntry; score: number }>(hits: T[]): T[] {
  return hits.sort((a, b) => b.score - a.score || a.entry.name.localeCompare(b.entry.name));
}

// ---------------------------------------------------------------------------------------------------
// NZBN API v5 shapes (reference §1.5). Dates carry the NZ offset as the real API does.

function nzDate(d: string | null): string | null {
  if (d === null) return null;
  const month = Number(d.slice(5, 7));
  // NZDT (+13:00) roughly October to March, NZST (+12:00) otherwise: close enough for fixtures.
  const offset = month >= 10 || month <= 3 ? '+13:00' : '+12:00';
  return `${d}T00:00:00.000${offset}`;
}

export function splitAddress(address: string): {
  address1: string | null;
  address2: string | null;
  address3: string | null;
  address4: string | null;
  postCode: string | null;
} {
  const parts = address.split(',').map((p) => p.trim()).filter(Boolean);
  let postCode: string | null = null;
  const last = parts[parts.length - 1];
  const m = last ? /^(.*?)\s*(\d{4})$/.exec(last) : null;
  if (m && last) {
    postCode = m[2] ?? null;
    if (m[1]) parts[parts.length - 1] = m[1];
    else parts.pop();
  }
  return {
    address1: parts[0] ?? null,
    address2: parts[1] ?? null,
    address3: parts[2] ?? null,
    address4: parts.slice(3).join(', ') || null,
    postCode,
  };
}

function selfLink(baseUrl: string, nzbn: string) {
  return [{ rel: 'self', href: `${baseUrl}/entities/${nzbn}`, methods: ['GET'] }];
}

export function toSearchEntity(entry: RegistryEntry, baseUrl: string) {
  const st = statusInfo(entry.status);
  return {
    entityStatusCode: st.code,
    entityName: entry.name,
    nzbn: entry.nzbn,
    entityTypeCode: 'LTD',
    entityTypeDescription: entry.entity_type,
    entityStatusDescription: entry.status,
    tradingNames: entry.trading_names.map((name) => ({ name, startDate: nzDate(entry.incorporation_date), endDate: null })),
    classifications: [{ classificationCode: 'H451110', classificationDescription: 'Restaurant operation' }],
    previousEntityNames: entry.previous_names,
    registrationDate: nzDate(entry.incorporation_date),
    sourceRegisterUniqueId: entry.company_number,
    links: selfLink(baseUrl, entry.nzbn),
  };
}

function splitPersonName(name: string): { firstName: string | null; middleNames: string | null; lastName: string } {
  const parts = name.trim().split(/\s+/);
  if (parts.length === 1) return { firstName: null, middleNames: null, lastName: parts[0] ?? name };
  return {
    firstName: parts[0] ?? null,
    middleNames: parts.length > 2 ? parts.slice(1, -1).join(' ') : null,
    lastName: parts[parts.length - 1] ?? '',
  };
}

function uid(entry: RegistryEntry, kind: string, i: number): string {
  return `${entry.nzbn}-${kind}-${i}`;
}

export function toRoles(entry: RegistryEntry) {
  return entry.directors.map((d, i) => ({
    uniqueIdentifier: uid(entry, 'role', i),
    roleType: d.role,
    roleStatus: d.ceased ? 'CEASED' : 'ACTIVE',
    startDate: nzDate(d.appointed),
    endDate: nzDate(d.ceased),
    asicDirectorshipYn: false,
    asicName: null,
    acn: null,
    roleEntity: null,
    rolePerson: { title: null, firstName: d.first_name, middleNames: d.middle_names || null, lastName: d.last_name },
    roleAddress: [],
    roleAsicAddress: null,
  }));
}

function isCorporate(type: string): boolean {
  return !/^individual$/i.test(type);
}

function toShareholder(entry: RegistryEntry, holder: { name: string; type: string }) {
  if (isCorporate(holder.type)) {
    return {
      type: 'Other',
      appointmentDate: nzDate(entry.incorporation_date),
      vacationDate: null,
      individualShareholder: null,
      otherShareholder: { currentEntityName: holder.name, nzbn: null, companyNumber: null, entityType: 'LTD' },
      shareholderAddress: null,
    };
  }
  const p = splitPersonName(holder.name);
  return {
    type: 'Individual',
    appointmentDate: nzDate(entry.incorporation_date),
    vacationDate: null,
    individualShareholder: { ...p, fullName: holder.name },
    otherShareholder: null,
    shareholderAddress: { address1: null, postCode: null, countryCode: 'NZ' },
  };
}

export function toCompanyDetails(entry: RegistryEntry) {
  return {
    annualReturnFilingMonth: Number(entry.incorporation_date.slice(5, 7)),
    financialReportFilingMonth: null,
    nzsxCode: null,
    annualReturnLastFiled: null,
    hasConstitutionFiled: false,
    countryOfOrigin: null,
    overseasCompany: 'N',
    extensiveShareholding: false,
    stockExchangeListed: null,
    australianCompanyNumber: null,
    removalCommenced: false,
    insolvencies:
      statusInfo(entry.status).code === '60'
        ? [{ insolvencyType: 'Liquidation', commenced: nzDate(entry.removed_on) }]
        : [],
    ultimateHoldingCompany: { yn: false, name: null, type: null, number: null, nzbn: null, country: null, effectiveDate: null, ultimateHoldingCompanyAddress: [] },
    shareholding: {
      numberOfShares: entry.total_shares,
      shareAllocation: entry.shareholders.map((s) => ({
        allocation: s.shares,
        shareholder: (s.holders ?? [{ name: s.name ?? '', type: s.type }]).map((h) => toShareholder(entry, h)),
      })),
      historicShareholder: [],
    },
  };
}

function parsePhone(p: string) {
  // "+64 9 555 1001" -> country 64, area 09, number "555 1001" (the API's split form).
  const m = /^\+?(\d{2})\s*(\d{1,2})\s*(.+)$/.exec(p.trim());
  if (!m) return { phoneCountryCode: null, phoneAreaCode: null, phoneNumber: p };
  return { phoneCountryCode: m[1] ?? null, phoneAreaCode: `0${m[2]}`, phoneNumber: m[3] ?? '' };
}

export function toFullEntity(entry: RegistryEntry) {
  const st = statusInfo(entry.status);
  const start = nzDate(entry.incorporation_date);
  const d = entry.nzbn_details;
  return {
    entityStatusCode: st.code,
    entityName: entry.name,
    nzbn: entry.nzbn,
    entityTypeCode: 'LTD',
    entityTypeDescription: entry.entity_type,
    entityStatusDescription: entry.status,
    registrationDate: start,
    sourceRegister: 'COMPANY',
    sourceRegisterUniqueIdentifier: entry.company_number,
    lastUpdatedDate: nzDate(entry.removed_on ?? entry.incorporation_date),
    australianBusinessNumber: null,
    hibernationStatusCode: null,
    hibernationStatusDescription: null,
    emailAddresses: d.emails.map((emailAddress, i) => ({ uniqueIdentifier: uid(entry, 'email', i), emailAddress, emailPurpose: 'Email', emailPurposeDescription: 'Email', startDate: start })),
    phoneNumbers: d.phones.map((p, i) => ({ uniqueIdentifier: uid(entry, 'phone', i), phonePurpose: 'Phone', phonePurposeDescription: 'Phone', ...parsePhone(p), startDate: start })),
    websites: d.websites.map((url, i) => ({ uniqueIdentifier: uid(entry, 'web', i), url, websitePurpose: 'Website', startDate: start })),
    gstNumbers: d.gst_numbers.map((gstNumber, i) => ({ uniqueIdentifier: uid(entry, 'gst', i), gstNumber, purpose: 'GST', startDate: start })),
    addresses: {
      links: [],
      addressList: [
        { uniqueIdentifier: uid(entry, 'addr', 0), startDate: start, endDate: null, careOf: null, ...splitAddress(entry.registered_address), countryCode: 'NZ', addressType: 'REGISTERED', pafId: null },
      ],
    },
    industryClassifications: [{ uniqueIdentifier: uid(entry, 'bic', 0), classificationCode: 'H451110', classificationDescription: 'Restaurant operation' }],
    tradingNames: entry.trading_names.map((name, i) => ({ uniqueIdentifier: uid(entry, 'tn', i), name, startDate: start, endDate: null })),
    tradingAreas: [],
    privacySettings: { phonePrivateInformation: false, emailPrivateInformation: false, gstNumberPrivateInformation: false },
    roles: toRoles(entry),
    'company-details': toCompanyDetails(entry),
    'non-company-details': null,
    'supporting-information': null,
    paymentBankAccounts: null,
    businessEthnicityIdentifiers: [],
    removedDate: nzDate(entry.removed_on),
  };
}

/** Companies Office internal JSON search item (reference §2.2). */
export function toRegisterItem(entry: RegistryEntry) {
  const st = statusInfo(entry.status);
  return {
    category: 'entity',
    identifier: entry.company_number,
    nzbn: entry.nzbn,
    name: entry.name,
    status: st.code,
    statusGroup: st.group,
    entityType: 'LTD',
    incorporationDate: `${entry.incorporation_date}T00:00:00+1200`,
    entityRegisteredOffice: `${entry.registered_address}, New Zealand`,
    entityRegisteredOfficeSuppressed: false,
    showFullDetails: true,
    suppressed: false,
  };
}
