// Step 4's company details from an NZBN full entity: directors (current vs ceased, full names with middle
// names, register capitals re-cased), shareholders with computed percentages (joint and corporate parcels),
// and the NZBN contact details, in the seed's selected_company_data shape (with extra lists the seed lacks).
import { arr, joinAddress, obj, pick, registerDate, str, type Json } from '../registry/lenient';
import { personNames, titleCaseName } from './names';

export interface CompanyDirector {
  /** Display name, "First Last", re-cased. */
  name: string;
  /** With middle names, re-cased. */
  full_name: string;
  /** As the register writes it. */
  full_legal_name: string;
  position: string;
  status: 'Current' | 'Ceased';
  appointed_date: string | null;
  ceased_date: string | null;
}

export interface CompanyShareholder {
  name: string;
  type: 'Individual' | 'Company';
  /** Of all shares, e.g. "33.33%". A joint parcel's holders each show the parcel's percentage. */
  percentage: string;
  shares: number;
  /** 1-based index of the parcel (shareAllocation) the holder is in. */
  allocation: number;
  joint: boolean;
  joint_with?: string[];
}

export interface NzbnContactDetails {
  gst_number: string | null;
  email: string | null;
  phone: string | null;
  website: string | null;
  gst_numbers: string[];
  emails: string[];
  phones: string[];
  websites: string[];
}

export interface CompanyDetails {
  company_name: string;
  company_number: string;
  nzbn: string;
  status: string;
  incorporation_date: string | null;
  registered_address: string | null;
  entity_type: string | null;
  trading_names: string[];
  directors: CompanyDirector[];
  shareholders: CompanyShareholder[];
  total_shares: number | null;
  nzbn_details: NzbnContactDetails;
  /** What step 4 writes to the restaurant: the first current director (the original's rule). */
  primary_contact: { contact_name: string; full_legal_name: string } | null;
}

export function formatPercentage(part: number, total: number): string {
  if (total <= 0) return '0%';
  const pct = Math.round((part / total) * 10000) / 100;
  return `${Number.isInteger(pct) ? pct.toFixed(0) : String(pct)}%`;
}

function isCurrent(role: Json): boolean {
  const status = (str(role['roleStatus']) ?? '').toUpperCase();
  if (status === 'CEASED' || status === 'INACTIVE' || status === 'RESIGNED') return false;
  return !str(role['endDate']);
}

function parseDirectors(roles: unknown[]): CompanyDirector[] {
  const out: CompanyDirector[] = [];
  for (const r of roles) {
    const role = obj(r);
    if (!role) continue;
    const type = str(role['roleType']) ?? 'Director';
    if (!/director/i.test(type)) continue;
    const person = obj(role['rolePerson']);
    const entity = obj(role['roleEntity']);
    let names: { display: string; full: string; legal: string };
    if (person) names = personNames({ firstName: str(person['firstName']), middleNames: str(person['middleNames']), lastName: str(person['lastName']) });
    else {
      const n = str(pick(entity, 'entityName', 'name')) ?? str(role['asicName']) ?? 'Unknown';
      names = { display: n, full: n, legal: n };
    }
    const current = isCurrent(role);
    out.push({
      name: names.display,
      full_name: names.full,
      full_legal_name: names.legal,
      position: type,
      status: current ? 'Current' : 'Ceased',
      appointed_date: registerDate(role['startDate']),
      ceased_date: current ? null : registerDate(role['endDate']),
    });
  }
  // Current directors first (stable), so the primary contact is the original's "first current director".
  return [...out.filter((d) => d.status === 'Current'), ...out.filter((d) => d.status === 'Ceased')];
}

function holderName(h: Json): { name: string; type: 'Individual' | 'Company' } {
  const ind = obj(pick(h, 'individualShareholder', 'historicIndividualShareholder'));
  const other = obj(pick(h, 'otherShareholder', 'historicOtherShareholder'));
  // Branch on which sub-object is present; the `type` strings vary between sources.
  if (ind) {
    // The register's own rendering knows where the surname starts; a split by spaces may not.
    const full = str(ind['fullName']);
    if (full) return { name: titleCaseName(full), type: 'Individual' };
    const first = str(ind['firstName']);
    const last = str(ind['lastName']);
    if (first || last) return { name: personNames({ firstName: first, middleNames: str(ind['middleNames']), lastName: last }).full, type: 'Individual' };
    return { name: 'Unknown', type: 'Individual' };
  }
  if (other) return { name: str(pick(other, 'currentEntityName', 'entityName', 'name')) ?? 'Unknown', type: 'Company' };
  return { name: str(pick(h, 'name', 'fullName')) ?? 'Unknown', type: /individual/i.test(str(h['type']) ?? '') ? 'Individual' : 'Company' };
}

function parseShareholders(companyDetails: Json | null): { holders: CompanyShareholder[]; total: number | null } {
  const shareholding = obj(companyDetails?.['shareholding']);
  if (!shareholding) return { holders: [], total: null };
  const allocations = arr(shareholding['shareAllocation']).map(obj).filter((a): a is Json => a !== null);
  const stated = Number(str(shareholding['numberOfShares']) ?? NaN);
  const allocated = allocations.reduce((n, a) => n + (Number(str(a['allocation'])) || 0), 0);
  // Some sources omit numberOfShares; the parcels then define the whole.
  const total = Number.isFinite(stated) && stated > 0 ? stated : allocated;
  const holders: CompanyShareholder[] = [];
  allocations.forEach((a, i) => {
    const shares = Number(str(a['allocation'])) || 0;
    const people = arr(a['shareholder']).map(obj).filter((h): h is Json => h !== null).map(holderName);
    const joint = people.length > 1;
    for (const p of people) {
      const h: CompanyShareholder = { name: p.name, type: p.type, percentage: formatPercentage(shares, total), shares, allocation: i + 1, joint };
      if (joint) h.joint_with = people.filter((o) => o !== p).map((o) => o.name);
      holders.push(h);
    }
  });
  return { holders, total: total || null };
}

function phoneText(p: Json): string | null {
  const cc = str(p['phoneCountryCode']);
  const area = str(p['phoneAreaCode']);
  const num = str(p['phoneNumber']);
  if (!num) return null;
  if (num.startsWith('+')) return num;
  if (!cc && !area) return num;
  return [`+${cc ?? '64'}`, (area ?? '').replace(/^0+/, ''), num].filter(Boolean).join(' ');
}

function contactDetails(entity: Json): NzbnContactDetails {
  const list = <T>(key: string, read: (x: Json) => T | null) =>
    arr(entity[key]).map(obj).filter((x): x is Json => x !== null).map(read).filter((x): x is T => x !== null);
  const emails = list('emailAddresses', (x) => str(x['emailAddress']));
  const phones = list('phoneNumbers', phoneText);
  const websites = list('websites', (x) => str(x['url']));
  const gst = list('gstNumbers', (x) => str(x['gstNumber']));
  return {
    gst_number: gst[0] ?? null,
    email: emails[0] ?? null,
    phone: phones[0] ?? null,
    website: websites[0] ?? null,
    gst_numbers: gst,
    emails,
    phones,
    websites,
  };
}

function registeredAddress(entity: Json): string | null {
  const list = arr(entity['addresses'], 'addressList').map(obj).filter((a): a is Json => a !== null);
  const current = list.filter((a) => !str(a['endDate']));
  const reg = current.find((a) => (str(a['addressType']) ?? '').toUpperCase() === 'REGISTERED') ?? current[0];
  return joinAddress(reg ?? null);
}

/** NZBN full entity (GET /entities/{nzbn}) -> selected_company_data. `roles` overrides entity.roles when fetched separately. */
export function companyDetailsFromEntity(entity: Json, roles?: unknown): CompanyDetails {
  const nzbn = str(entity['nzbn']);
  const number = str(pick(entity, 'sourceRegisterUniqueIdentifier', 'sourceRegisterUniqueId', 'companyNumber'));
  const name = str(pick(entity, 'entityName', 'name'));
  if (!nzbn || !name) throw new Error('NZBN entity without nzbn or entityName');
  const directors = parseDirectors(arr(roles ?? entity['roles'], 'roles', 'items'));
  const { holders, total } = parseShareholders(obj(pick(entity, 'company-details', 'companyDetails')));
  const primary = directors.find((d) => d.status === 'Current') ?? null;
  return {
    company_name: name,
    company_number: number ?? '',
    nzbn,
    status: str(pick(entity, 'entityStatusDescription', 'entityStatus')) ?? 'Unknown',
    incorporation_date: registerDate(pick(entity, 'registrationDate', 'incorporationDate')),
    registered_address: registeredAddress(entity),
    entity_type: str(entity['entityTypeDescription']),
    trading_names: arr(entity['tradingNames'])
      .map((t) => (typeof t === 'string' ? t : str(obj(t)?.['name']) && !str(obj(t)?.['endDate']) ? str(obj(t)?.['name']) : null))
      .filter((t): t is string => t !== null),
    directors,
    shareholders: holders,
    total_shares: total,
    nzbn_details: contactDetails(entity),
    primary_contact: primary ? { contact_name: primary.name, full_legal_name: primary.full_legal_name } : null,
  };
}
