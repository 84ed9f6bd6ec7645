// Companies Office register client (reference §2.2): the site's JSON search, used for the address-keyword
// search the NZBN API lacks (and usable for names). Its `q` is loose word overlap; ranking is the machines'.
import { RegistryError } from './errors';
import { getJson } from './http';
import { arr, obj, pick, registerDate, str } from './lenient';
import type { AddressQuery, CallOptions, RawCandidate } from './types';

export const REGISTER_SEARCH_PATH = '/companies/app/service/services/entity/search';

export interface CompaniesOfficeClientOptions {
  /** e.g. https://app.companiesoffice.govt.nz (from the organisation's settings). */
  baseUrl: string;
  timeoutMs?: number;
  /** Status groups to search; default REGISTERED, as the original did. Empty = ALL. */
  statusGroups?: readonly string[];
  maxResults?: number;
  now?: () => number;
}

export interface CompaniesOfficeClient {
  search(q: { q?: string; addressKeyword?: string; statusGroups?: readonly string[]; start?: number; maxResults?: number }, opts?: CallOptions): Promise<{ candidates: Omit<RawCandidate, 'match_source'>[]; totalMatches: number }>;
  searchByName(name: string, opts?: CallOptions): Promise<RawCandidate[]>;
  searchByAddress(query: AddressQuery | string, opts?: CallOptions): Promise<RawCandidate[]>;
}

const STATUS_NAMES: Record<string, string> = {
  '50': 'Registered', '55': 'Voluntary Administration', '60': 'In Liquidation', '62': 'In Liquidation', '70': 'In Receivership',
  '72': 'In Statutory Administration', '80': 'Removed', '90': 'Inactive', '91': 'Removed',
};

function statusText(status: string | null, group: string | null): string {
  if (status && STATUS_NAMES[status]) return STATUS_NAMES[status];
  if (status && !/^\d+$/.test(status)) return status;
  if (group) return group.charAt(0) + group.slice(1).toLowerCase().replace(/_/g, ' ');
  return 'Unknown';
}

/** "…, Auckland 1021, New Zealand" -> drop the country the register appends. */
function tidyAddress(a: string | null): string | null {
  return a ? a.replace(/,\s*New Zealand\s*$/i, '').trim() : null;
}

export function addressKeyword(query: AddressQuery | string): string {
  if (typeof query === 'string') return query.trim();
  return [query.street, query.city ?? ''].map((s) => s.trim()).filter(Boolean).join(' ');
}

export function createCompaniesOfficeClient(options: CompaniesOfficeClientOptions): CompaniesOfficeClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const defaultGroups = options.statusGroups ?? ['REGISTERED'];
  const maxResults = options.maxResults ?? 50;

  const client: CompaniesOfficeClient = {
    async search(q, opts) {
      const params = new URLSearchParams({
        mode: 'company',
        q: q.q ?? '',
        start: String(q.start ?? 0),
        maxResults: String(q.maxResults ?? maxResults),
      });
      if (q.addressKeyword) params.set('addressKeyword', q.addressKeyword);
      const groups = q.statusGroups ?? defaultGroups;
      params.set('entityStatusGroups', groups.length ? groups.join(',') : 'ALL');
      const body = await getJson(`${base}${REGISTER_SEARCH_PATH}?${params}`, { timeoutMs, signal: opts?.signal, ...(options.now ? { now: options.now } : {}) });
      const o = obj(body);
      if (!o || !Array.isArray(o['list'])) throw new RegistryError('REGISTRY_BAD_RESPONSE', 'register search answered without a list', true);
      const candidates = arr(o['list'])
        .map(obj)
        .filter((x) => x !== null)
        .map((x) => {
          const number = str(pick(x, 'identifier', 'companyNumber', 'entityNumber'));
          const name = str(pick(x, 'name', 'entityName'));
          if (!number || !name) return null;
          const code = str(pick(x, 'status', 'entityStatus'));
          const c: Omit<RawCandidate, 'match_source'> = {
            company_name: name,
            company_number: number,
            nzbn: str(x['nzbn']),
            status: statusText(code, str(x['statusGroup'])),
            incorporation_date: registerDate(pick(x, 'incorporationDate', 'registrationDate')),
            registered_address: tidyAddress(str(pick(x, 'entityRegisteredOffice', 'registeredOffice', 'address'))),
          };
          if (code && /^\d+$/.test(code)) c.status_code = code;
          if (str(x['entityType'])) c.entity_type = str(x['entityType']) ?? '';
          return c;
        })
        .filter((c) => c !== null);
      return { candidates, totalMatches: Number(str(o['totalMatches']) ?? candidates.length) };
    },
    async searchByName(name, opts) {
      if (!name.trim()) return [];
      const res = await client.search({ q: name.trim() }, opts);
      return res.candidates.map((c) => ({ ...c, match_source: 'name' as const }));
    },
    async searchByAddress(query, opts) {
      const kw = addressKeyword(query);
      if (!kw) return [];
      const res = await client.search({ q: '', addressKeyword: kw }, opts);
      return res.candidates.map((c) => ({ ...c, match_source: 'address' as const }));
    },
  };
  return client;
}
