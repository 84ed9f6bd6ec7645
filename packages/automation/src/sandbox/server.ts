// The sandbox: one local fastify server standing in for every external site the automation talks to —
// the NZBN API v5, the Companies Office register search, the restaurants' store pages and their images —
// with per-route fault injection and a test-only inspection route. The admin portal plugs in (see PORTAL).
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyReply, type FastifyRequest } from 'fastify';
import { createFaultController, FaultMapSchema, FaultSpecSchema, type FaultController, type FaultMap } from './faults';
import {
  addressMatches,
  loadRegistryFile,
  nameMatchScore,
  sortByScore,
  statusInfo,
  toCompanyDetails,
  toFullEntity,
  toRegisterItem,
  toRoles,
  toSearchEntity,
  type RegistryEntry,
} from './registryData';
import { loadStoreCatalogue, renderImageSvg, renderLogoSvg, renderStorePage, solidPng, type StoreCatalogue } from './store';

/** ../shared/fixtures beside the repository root, found from this file (never copied into the repo). */
export function defaultFixturesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '../../../../../shared/fixtures');
}

export const NZBN_BASE_PATH = '/gateway/nzbn/v5';
export const REGISTER_SEARCH_PATH = '/companies/app/service/services/entity/search';

/** Route keys for fault injection (also the keys of the request counters). */
export const SANDBOX_ROUTES = [
  'nzbn.search',
  'nzbn.entity',
  'register.search',
  'register.entity',
  'store.page',
  'store.image',
] as const;
export type SandboxRoute = (typeof SANDBOX_ROUTES)[number];

export interface SandboxOptions {
  /** Registry file (fixtures/registry.json format). Default: the shared fixture. */
  registryFile?: string;
  /** Leads file whose store URLs and menus become store pages. Default: the shared fixtures/leads.csv. */
  storeLeadsFile?: string;
  /** Faults active from the start, by route key ('*' = every route). */
  faults?: FaultMap;
  /** Accepted Ocp-Apim-Subscription-Key values; when omitted any non-empty key is accepted. */
  nzbnKeys?: string[];
  host?: string;
  port?: number;
  /** Seed for the fault generator (error rates). */
  seed?: number;
  logger?: boolean;
}

/** What a plugin mounted on the sandbox (the admin portal) receives. */
export interface SandboxPluginContext {
  faults: FaultController;
  /** Wrap a route handler's options with this to give it a fault key: `{ config: { fault: 'portal.login' } }`. */
  faultKey: (key: string) => { config: { fault: string } };
}

export interface SandboxServer {
  url: string;
  port: number;
  app: FastifyInstance;
  faults: FaultController;
  registry: readonly RegistryEntry[];
  stores: StoreCatalogue;
  /** The sandbox URL serving a lead's store page, from the lead's real store URL. */
  storeUrl(leadStoreUrl: string): string;
  /** Requests seen per route key. */
  requestCounts(): Record<string, number>;
  close(): Promise<void>;
}

interface RouteConfig {
  fault?: string;
}

function asList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.flatMap((x) => String(x).split(',')).map((s) => s.trim()).filter(Boolean);
}

function intParam(v: unknown, dflt: number, min: number, max: number): number | null {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) return null;
  return n;
}

export async function createSandboxServer(options: SandboxOptions = {}): Promise<SandboxServer> {
  const fixtures = defaultFixturesDir();
  const registry = loadRegistryFile(options.registryFile ?? resolve(fixtures, 'registry.json'));
  const stores = loadStoreCatalogue(options.storeLeadsFile ?? resolve(fixtures, 'leads.csv'));
  const faults = createFaultController(options.faults ?? {}, options.seed ?? 1);
  const counts: Record<string, number> = {};
  const sleepers = new Set<() => void>();

  const app = Fastify({ logger: options.logger ?? false, forceCloseConnections: true, routerOptions: { maxParamLength: 500 } });
  let baseUrl = '';

  const sleep = (ms: number) =>
    new Promise<void>((res) => {
      const done = () => {
        clearTimeout(t);
        sleepers.delete(done);
        res();
      };
      const t = setTimeout(done, ms);
      sleepers.add(done);
    });

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const key = (req.routeOptions.config as RouteConfig | undefined)?.fault;
    if (!key) return;
    counts[key] = (counts[key] ?? 0) + 1;
    const d = faults.decide(key);
    if (d.latencyMs > 0) await sleep(d.latencyMs);
    if (d.kind === 'error') {
      return reply.code(d.status).send({ statusCode: d.status, message: `sandbox fault injected on ${key}` });
    }
    if (d.kind === 'rateLimited') {
      return reply
        .code(429)
        .header('retry-after', String(d.retryAfterSeconds))
        .send({ statusCode: 429, message: `Rate limit is exceeded. Try again in ${d.retryAfterSeconds} seconds.` });
    }
    return;
  });
  app.addHook('onClose', async () => {
    for (const wake of [...sleepers]) wake();
  });

  const fault = (key: string) => ({ config: { fault: key } });

  // ----------------------------------------------------------------------------------------------
  // NZBN API v5 (reference §1.3–1.6).

  const nzbnAuth = (req: FastifyRequest, reply: FastifyReply): boolean => {
    const key = req.headers['ocp-apim-subscription-key'];
    const value = Array.isArray(key) ? key[0] : key;
    if (!value) {
      void reply.code(401).send({ statusCode: 401, message: 'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.' });
      return false;
    }
    if (options.nzbnKeys && !options.nzbnKeys.includes(value)) {
      void reply.code(401).send({ statusCode: 401, message: 'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.' });
      return false;
    }
    return true;
  };

  const byNzbn = new Map(registry.map((e) => [e.nzbn, e]));
  const byNumber = new Map(registry.map((e) => [e.company_number, e]));

  app.get(`${NZBN_BASE_PATH}/entities`, fault('nzbn.search'), async (req, reply) => {
    if (!nzbnAuth(req, reply)) return reply;
    const q = req.query as Record<string, unknown>;
    const term = String(q['search-term'] ?? '').trim();
    if (!term) return reply.code(400).send({ errorCode: 'MissingSearchTerm', errorDescription: 'search-term is required' });
    const page = intParam(q['page'], 0, 0, 100_000);
    const pageSize = intParam(q['page-size'], 10, 1, 50);
    if (page === null || pageSize === null) {
      return reply.code(400).send({ errorCode: 'InvalidPaging', errorDescription: 'page must be >= 0 and page-size 1..50' });
    }
    const statuses = new Set(asList(q['entity-status']).map((s) => s.toLowerCase()));
    const hits = sortByScore(
      registry
        .filter((e) => statuses.size === 0 || statuses.has(statusInfo(e.status).filter.toLowerCase()))
        .map((entry) => ({ entry, score: nameMatchScore(entry, term) }))
        .filter((h) => h.score > 0),
    );
    const base = `${baseUrl}${NZBN_BASE_PATH}`;
    return {
      pageSize,
      page,
      totalItems: hits.length,
      sortBy: null,
      sortOrder: null,
      items: hits.slice(page * pageSize, (page + 1) * pageSize).map((h) => toSearchEntity(h.entry, base)),
      links: [],
    };
  });

  const entityRoute = (suffix: string, render: (e: RegistryEntry) => unknown) =>
    app.get(`${NZBN_BASE_PATH}/entities/:nzbn${suffix}`, fault('nzbn.entity'), async (req, reply) => {
      if (!nzbnAuth(req, reply)) return reply;
      const { nzbn } = req.params as { nzbn: string };
      if (!/^\d{13}$/.test(nzbn)) return reply.code(400).send({ errorCode: 'InvalidNzbn', errorDescription: `${nzbn} is not an NZBN` });
      const e = byNzbn.get(nzbn);
      if (!e) return reply.code(404).send({ errorCode: 'NotFound', errorDescription: `No entity with NZBN ${nzbn}` });
      return render(e);
    });
  entityRoute('', toFullEntity);
  entityRoute('/roles', toRoles);
  entityRoute('/company-details', toCompanyDetails);
  entityRoute('/addresses', (e) => toFullEntity(e).addresses);
  entityRoute('/trading-names', (e) => toFullEntity(e).tradingNames);
  entityRoute('/email-addresses', (e) => toFullEntity(e).emailAddresses);
  entityRoute('/phone-numbers', (e) => toFullEntity(e).phoneNumbers);
  entityRoute('/websites', (e) => toFullEntity(e).websites);
  entityRoute('/gst-numbers', (e) => toFullEntity(e).gstNumbers);

  // ----------------------------------------------------------------------------------------------
  // Companies Office register search (reference §2.2), with the UI's addressKeyword and
  // entityStatusGroups filters, which the API lacks.

  app.get(REGISTER_SEARCH_PATH, fault('register.search'), async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const name = String(q['q'] ?? '').trim();
    const address = String(q['addressKeyword'] ?? '').trim();
    const start = intParam(q['start'], 0, 0, 1_000_000);
    const max = intParam(q['maxResults'] ?? q['limit'], 15, 1, 1000);
    if (start === null || max === null) return reply.code(400).send({ message: 'start >= 0 and maxResults 1..1000' });
    const groups = new Set(asList(q['entityStatusGroups']).map((g) => g.toUpperCase()).filter((g) => g !== 'ALL'));
    if (!name && !address) return { list: [], totalMatches: 0, displayableCount: 0, start, end: start };
    const hits = sortByScore(
      registry
        .filter((e) => groups.size === 0 || groups.has(statusInfo(e.status).group))
        .filter((e) => !address || addressMatches(e, address))
        .map((entry) => ({ entry, score: name ? nameMatchScore(entry, name) : 1 }))
        .filter((h) => h.score > 0),
    ).slice(0, 1000);
    const page = hits.slice(start, start + max);
    return {
      list: page.map((h) => toRegisterItem(h.entry)),
      totalMatches: hits.length,
      displayableCount: hits.length,
      start,
      end: start + page.length,
    };
  });

  app.get('/companies/app/service/services/entity/:companyNumber', fault('register.entity'), async (req, reply) => {
    const { companyNumber } = req.params as { companyNumber: string };
    const e = byNumber.get(companyNumber);
    if (!e) return reply.code(404).send({ message: `No company ${companyNumber}` });
    return { ...toRegisterItem(e), nzbn: null };
  });

  // ----------------------------------------------------------------------------------------------
  // Store pages at the leads' store URL paths, and the stand-ins for their images.

  const prefixes = new Set(stores.stores.map((s) => s.path.split('/').slice(0, -2).join('/')));
  for (const prefix of prefixes) {
    app.get(`${prefix}/*`, fault('store.page'), async (req, reply) => {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      const id = path.split('/').filter(Boolean).pop() ?? '';
      const store = stores.byId.get(id);
      if (!store) return reply.code(404).type('text/html').send('<!doctype html><title>Not found</title><h1>Store not found</h1>');
      return reply.type('text/html; charset=utf-8').send(renderStorePage(store));
    });
  }
  app.get('/_sandbox/images/:file', fault('store.image'), async (req, reply) => {
    const { file } = req.params as { file: string };
    const url = stores.images.get(file.replace(/\.svg$/, ''));
    if (!url) return reply.code(404).send({ message: 'unknown image' });
    return reply.type('image/svg+xml').header('cache-control', 'public, max-age=3600').send(renderImageSvg(url));
  });
  app.get('/_sandbox/logo/:file', fault('store.image'), async (req, reply) => {
    const store = stores.byId.get((req.params as { file: string }).file.replace(/\.svg$/, ''));
    if (!store) return reply.code(404).send({ message: 'unknown store' });
    return reply.type('image/svg+xml').send(renderLogoSvg(store));
  });
  app.get('/_sandbox/favicon/:file', fault('store.image'), async (req, reply) => {
    const store = stores.byId.get((req.params as { file: string }).file.replace(/\.png$/, ''));
    if (!store) return reply.code(404).send({ message: 'unknown store' });
    return reply.type('image/png').send(solidPng(store.primaryColour));
  });

  // ----------------------------------------------------------------------------------------------
  // Test-only control and inspection.

  app.get('/_sandbox/inspect', async () => ({
    requests: { ...counts },
    faults: faults.list(),
    registry: { entities: registry.length },
    stores: stores.stores.map((s) => ({ id: s.id, name: s.name, path: s.path, url: `${baseUrl}${encodeURI(s.path)}`, dishes: s.rows.length })),
  }));
  app.get('/_sandbox/faults', async () => faults.list());
  app.put('/_sandbox/faults', async (req, reply) => {
    const parsed = FaultMapSchema.safeParse(req.body ?? {});
    if (!parsed.success) return reply.code(400).send({ message: parsed.error.message });
    faults.clear();
    for (const [k, v] of Object.entries(parsed.data)) faults.set(k, v);
    return faults.list();
  });
  app.post('/_sandbox/faults/:route', async (req, reply) => {
    const parsed = FaultSpecSchema.safeParse(req.body ?? {});
    if (!parsed.success) return reply.code(400).send({ message: parsed.error.message });
    faults.set((req.params as { route: string }).route, parsed.data);
    return faults.list();
  });
  app.delete('/_sandbox/faults/:route', async (req) => {
    faults.clear((req.params as { route: string }).route);
    return faults.list();
  });
  app.delete('/_sandbox/faults', async () => {
    faults.clear();
    return faults.list();
  });

  // ----------------------------------------------------------------------------------------------
  // PORTAL REGISTRATION POINT. The admin portal (src/sandbox/portal/index.ts, exporting `portalPlugin`)
  // is mounted here when it exists, so the registry work does not wait on it and vice versa.
  const portalFile = resolve(dirname(fileURLToPath(import.meta.url)), 'portal/index.ts');
  if (existsSync(portalFile)) {
    const mod = (await import(pathToFileURL(portalFile).href)) as { portalPlugin?: FastifyPluginAsync<SandboxPluginContext> };
    if (mod.portalPlugin) await app.register(mod.portalPlugin, { faults, faultKey: fault });
  }

  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const port = Number(new URL(address).port);
  baseUrl = `http://${options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1'}:${port}`;

  return {
    url: baseUrl,
    port,
    app,
    faults,
    registry,
    stores,
    storeUrl(leadStoreUrl) {
      const u = new URL(leadStoreUrl);
      return `${baseUrl}${u.pathname}`;
    },
    requestCounts: () => ({ ...counts }),
    close: () => app.close(),
  };
}
