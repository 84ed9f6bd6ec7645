// NZBN API v5 client (reference §1): entity search with status filter and paging, entity details, and the
// name search of step 2 (candidates enriched from the full entity, which carries addresses the search lacks).
import { companyDetailsFromEntity, type CompanyDetails } from '../company/details';
import { RegistryError } from './errors';
import { getJson } from './http';
import { arr, joinAddress, obj, pick, registerDate, str, type Json } from './lenient';
import type { CallOptions, CompanyRef, RawCandidate } from './types';

/** NZBN `entity-status` filter values. */
export const NZBN_STATUS_FILTERS = [
  'Registered', 'VoluntaryAdministration', 'InReceivership', 'InLiquidation', 'InStatutoryAdministration', 'Inactive', 'RemovedClosed',
] as const;
export type NzbnStatusFilter = (typeof NZBN_STATUS_FILTERS)[number];

export interface NzbnClientOptions {
  /** e.g. https://api.business.govt.nz/gateway/nzbn/v5 (from the organisation's settings). */
  baseUrl: string;
  subscriptionKey: string;
  timeoutMs?: number;
  /** Page size for searches (the API allows up to 50). */
  pageSize?: number;
  /** Stop paging after this many search results. */
  maxResults?: number;
  /** Fetch the full entity for at most this many name-search results (addresses, trading names, status). */
  enrichLimit?: number;
  /** Default status filter for name searches; empty = every status (removed companies still show, badged). */
  statuses?: readonly NzbnStatusFilter[];
  now?: () => number;
}

export interface NzbnSearchItem {
  nzbn: string;
  entityName: string;
  companyNumber: string | null;
  statusCode: string | null;
  status: string;
  entityType: string | null;
  registrationDate: string | null;
  tradingNames: string[];
  previousNames: string[];
}

export interface NzbnSearchPage {
  items: NzbnSearchItem[];
  totalItems: number;
  page: number;
  pageSize: number;
}

export interface NzbnClient {
  searchEntities(q: { term: string; statuses?: readonly string[]; page?: number; pageSize?: number }, opts?: CallOptions): Promise<NzbnSearchPage>;
  getEntity(nzbn: string, opts?: CallOptions): Promise<Json>;
  searchByName(name: string, opts?: CallOptions & { statuses?: readonly string[] }): Promise<RawCandidate[]>;
  getCompany(ref: CompanyRef, opts?: CallOptions): Promise<CompanyDetails>;
}

function names(v: unknown): string[] {
  return arr(v)
    .map((t) => (typeof t === 'string' ? t : str(pick(obj(t), 'name', 'entityName'))))
    .filter((t): t is string => !!t);
}

export function parseSearchItem(raw: unknown): NzbnSearchItem | null {
  const o = obj(raw);
  const nzbn = str(o?.['nzbn']);
  const entityName = str(pick(o, 'entityName', 'name'));
  if (!o || !nzbn || !entityName) return null;
  return {
    nzbn,
    entityName,
    // The search says sourceRegisterUniqueId, the full entity sourceRegisterUniqueIdentifier.
    companyNumber: str(pick(o, 'sourceRegisterUniqueId', 'sourceRegisterUniqueIdentifier', 'companyNumber')),
    statusCode: str(o['entityStatusCode']),
    status: str(pick(o, 'entityStatusDescription', 'entityStatus')) ?? 'Unknown',
    entityType: str(pick(o, 'entityTypeDescription', 'entityTypeCode')),
    registrationDate: registerDate(pick(o, 'registrationDate', 'incorporationDate')),
    tradingNames: names(o['tradingNames']),
    previousNames: names(o['previousEntityNames']),
  };
}

function currentAddresses(entity: Json): { registered: string | null; all: string[] } {
  const list = arr(entity['addresses'], 'addressList').map(obj).filter((a): a is Json => a !== null && !str(a['endDate']));
  const all = list.map(joinAddress).filter((a): a is string => a !== null);
  const reg = list.find((a) => (str(a['addressType']) ?? '').toUpperCase() === 'REGISTERED');
  return { registered: reg ? joinAddress(reg) : (all[0] ?? null), all: [...new Set(all)] };
}

export function createNzbnClient(options: NzbnClientOptions): NzbnClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  if (!options.subscriptionKey) {
    throw new RegistryError('REGISTRY_BAD_CREDENTIALS', 'NZBN API subscription key is not configured', false);
  }
  const timeoutMs = options.timeoutMs ?? 15_000;
  const pageSize = Math.min(options.pageSize ?? 50, 50);
  const maxResults = options.maxResults ?? 100;
  const enrichLimit = options.enrichLimit ?? 10;
  const headers = { 'Ocp-Apim-Subscription-Key': options.subscriptionKey };
  const get = (path: string, opts?: CallOptions) =>
    getJson(`${base}${path}`, { headers, timeoutMs, signal: opts?.signal, ...(options.now ? { now: options.now } : {}) });

  const client: NzbnClient = {
    async searchEntities(q, opts) {
      const params = new URLSearchParams({ 'search-term': q.term, page: String(q.page ?? 0), 'page-size': String(q.pageSize ?? pageSize) });
      for (const s of q.statuses ?? []) params.append('entity-status', s);
      const body = await get(`/entities?${params}`, opts);
      const o = obj(body);
      if (!Array.isArray(body) && !Array.isArray(o?.['items'] ?? o?.['Items'])) {
        throw new RegistryError('REGISTRY_BAD_RESPONSE', 'NZBN search answered without an items list', true);
      }
      const rawItems = arr(body, 'items', 'Items');
      const items = rawItems.map(parseSearchItem).filter((x): x is NzbnSearchItem => x !== null);
      return {
        items,
        totalItems: Number(str(pick(o, 'totalItems', 'totalResults')) ?? items.length),
        page: Number(str(o?.['page']) ?? q.page ?? 0),
        pageSize: Number(str(o?.['pageSize']) ?? q.pageSize ?? pageSize),
      };
    },

    async getEntity(nzbn, opts) {
      const body = obj(await get(`/entities/${encodeURIComponent(nzbn)}`, opts));
      if (!body) throw new RegistryError('REGISTRY_BAD_RESPONSE', `NZBN entity ${nzbn} is not an object`, true);
      return body;
    },

    async searchByName(name, opts) {
      const term = name.trim();
      if (!term) return [];
      const statuses = opts?.statuses ?? options.statuses ?? [];
      const items: NzbnSearchItem[] = [];
      for (let page = 0; items.length < maxResults; page++) {
        const res = await client.searchEntities({ term, statuses, page, pageSize }, opts);
        items.push(...res.items);
        if (res.items.length === 0 || (page + 1) * res.pageSize >= res.totalItems) break;
      }
      const seen = new Set<string>();
      const unique = items.filter((i) => (seen.has(i.nzbn) ? false : (seen.add(i.nzbn), true))).slice(0, maxResults);
      const enriched = await Promise.all(
        unique.map(async (item, i): Promise<RawCandidate> => {
          const c: RawCandidate = {
            company_name: item.entityName,
            company_number: item.companyNumber ?? '',
            nzbn: item.nzbn,
            status: item.status,
            incorporation_date: item.registrationDate,
            registered_address: null,
            match_source: 'name',
            trading_names: item.tradingNames,
            previous_names: item.previousNames,
          };
          if (item.statusCode) c.status_code = item.statusCode;
          if (item.entityType) c.entity_type = item.entityType;
          if (i >= enrichLimit) return c;
          const entity = await client.getEntity(item.nzbn, opts);
          const addr = currentAddresses(entity);
          const cd = obj(entity['company-details']);
          c.registered_address = addr.registered;
          c.addresses = addr.all;
          c.trading_names = names(entity['tradingNames']).length ? names(entity['tradingNames']) : item.tradingNames;
          c.removed_on = registerDate(entity['removedDate']) ?? null;
          c.removal_commenced = cd?.['removalCommenced'] === true;
          const insolvency = arr(cd?.['insolvencies']).map(obj).find((x) => x !== null) ?? null;
          c.liquidation =
            insolvency || /liquidation|receivership/i.test(item.status)
              ? { started_on: registerDate(pick(insolvency, 'commenced', 'startDate', 'appointmentDate')) }
              : null;
          if (!c.company_number) c.company_number = str(entity['sourceRegisterUniqueIdentifier']) ?? '';
          return c;
        }),
      );
      return enriched;
    },

    async getCompany(ref, opts) {
      let nzbn = ref.nzbn ?? null;
      if (!nzbn && ref.companyNumber) {
        // The search matches legacy ids (company numbers) too.
        const res = await client.searchEntities({ term: ref.companyNumber, pageSize: 10 }, opts);
        nzbn = res.items.find((i) => i.companyNumber === ref.companyNumber)?.nzbn ?? null;
        if (!nzbn) throw new RegistryError('REGISTRY_NOT_FOUND', `no NZBN entity for company number ${ref.companyNumber}`, false);
      }
      if (!nzbn) throw new RegistryError('REGISTRY_BAD_REQUEST', 'getCompany needs an NZBN or a company number', false);
      const entity = await client.getEntity(nzbn, opts);
      // Some responses omit roles from the full entity; /roles always has them.
      const roles = Array.isArray(entity['roles']) ? undefined : await get(`/entities/${encodeURIComponent(nzbn)}/roles`, opts);
      try {
        return companyDetailsFromEntity(entity, roles);
      } catch (err) {
        throw new RegistryError('REGISTRY_BAD_RESPONSE', `NZBN entity ${nzbn}: ${(err as Error).message}`, false, {}, { cause: err });
      }
    },
  };
  return client;
}
