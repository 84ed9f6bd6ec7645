// The sandbox over real HTTP: NZBN v5 shapes, register search, store pages, images and fault injection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxServer, NZBN_BASE_PATH, REGISTER_SEARCH_PATH, type SandboxServer } from '../src/sandbox/server';
import { runSandboxCli } from '../src/sandbox/cli';

let sb: SandboxServer;
const key = { 'Ocp-Apim-Subscription-Key': 'test-key' };

beforeAll(async () => {
  sb = await createSandboxServer({ nzbnKeys: ['test-key'] });
});
afterAll(async () => {
  await sb.close();
});

async function json(path: string, headers: Record<string, string> = key) {
  const res = await fetch(`${sb.url}${path}`, { headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe('NZBN API v5 stand-in', () => {
  it('searches legal and trading names, folding macrons, in the SearchEntity wrapper', async () => {
    const r = await json(`${NZBN_BASE_PATH}/entities?search-term=${encodeURIComponent('Otahuhu Kebab House')}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ page: 0, totalItems: 1 });
    const item = (r.body['items'] as Record<string, unknown>[])[0];
    expect(item).toMatchObject({ entityName: 'ŌTĀHUHU KEBAB HOUSE LIMITED', sourceRegisterUniqueId: '1005199', entityStatusCode: '50' });

    const t = await json(`${NZBN_BASE_PATH}/entities?search-term=${encodeURIComponent('Harbour Curry Garden')}`);
    expect((t.body['items'] as { entityName: string }[]).map((i) => i.entityName)).toContain('SINGH & KAUR HOSPITALITY 2019 LIMITED');
  });

  it('filters by entity-status (comma-joined or repeated) and pages zero-indexed', async () => {
    const all = await json(`${NZBN_BASE_PATH}/entities?search-term=gone+burger`);
    const names = (b: Record<string, unknown>) => (b['items'] as { entityName: string }[]).map((i) => i.entityName);
    // Loose word overlap, best first: both Gone Burger companies lead, other burger shops follow.
    expect(names(all.body).slice(0, 2).sort()).toEqual(['GONE BURGER (2021) LIMITED', 'GONE BURGER LIMITED']);
    const reg = await json(`${NZBN_BASE_PATH}/entities?search-term=gone+burger&entity-status=Registered`);
    expect(names(reg.body)[0]).toBe('GONE BURGER (2021) LIMITED');
    expect(names(reg.body)).not.toContain('GONE BURGER LIMITED');
    const removed = await json(`${NZBN_BASE_PATH}/entities?search-term=gone+burger&entity-status=RemovedClosed`);
    expect(names(removed.body)).toEqual(['GONE BURGER LIMITED']);
    const both = await json(`${NZBN_BASE_PATH}/entities?search-term=gone+burger&entity-status=Registered&entity-status=RemovedClosed`);
    const comma = await json(`${NZBN_BASE_PATH}/entities?search-term=gone+burger&entity-status=Registered,RemovedClosed`);
    expect(both.body['totalItems']).toBe(all.body['totalItems']);
    expect(comma.body['totalItems']).toBe(all.body['totalItems']);
    const p0 = await json(`${NZBN_BASE_PATH}/entities?search-term=gone+burger&page-size=1&page=0`);
    const p1 = await json(`${NZBN_BASE_PATH}/entities?search-term=gone+burger&page-size=1&page=1`);
    expect((p0.body['items'] as unknown[]).length).toBe(1);
    expect((p1.body['items'] as { nzbn: string }[])[0]?.nzbn).not.toBe((p0.body['items'] as { nzbn: string }[])[0]?.nzbn);
  });

  it('serves the full entity with hyphenated company-details, roles and shareholding', async () => {
    const r = await json(`${NZBN_BASE_PATH}/entities/9429040005928`);
    expect(r.body['sourceRegisterUniqueIdentifier']).toBe('1027728');
    const roles = r.body['roles'] as { roleStatus: string; endDate: string | null }[];
    expect(roles.map((x) => x.roleStatus)).toEqual(['ACTIVE', 'CEASED']);
    expect(roles[1]?.endDate).toMatch(/^2021-08-31T00:00:00\.000\+1[23]:00$/);
    const cd = r.body['company-details'] as { shareholding: { numberOfShares: number } };
    expect(cd.shareholding.numberOfShares).toBe(100);
    const roleOnly = await json(`${NZBN_BASE_PATH}/entities/9429040005928/roles`);
    expect(Array.isArray(roleOnly.body)).toBe(true);
  });

  it('answers 401 without a valid subscription key, 404 for an unknown NZBN, 400 without a search term', async () => {
    expect((await json(`${NZBN_BASE_PATH}/entities?search-term=x`, {})).status).toBe(401);
    expect((await json(`${NZBN_BASE_PATH}/entities?search-term=x`, { 'Ocp-Apim-Subscription-Key': 'wrong' })).status).toBe(401);
    expect((await json(`${NZBN_BASE_PATH}/entities/9429000000000`)).status).toBe(404);
    expect((await json(`${NZBN_BASE_PATH}/entities`)).status).toBe(400);
  });
});

describe('Companies Office register search stand-in', () => {
  it('finds every company at an address keyword, filtered by status group', async () => {
    const kw = encodeURIComponent('150 Karangahape Road Auckland');
    const r = await json(`${REGISTER_SEARCH_PATH}?q=&addressKeyword=${kw}&entityStatusGroups=REGISTERED&start=0&maxResults=50`, {});
    expect(r.body['totalMatches']).toBe(6);
    const item = (r.body['list'] as Record<string, unknown>[])[0];
    expect(item).toMatchObject({ category: 'entity', statusGroup: 'REGISTERED' });
    expect(String(item?.['entityRegisteredOffice'])).toContain('Karangahape');
    const liq = await json(`${REGISTER_SEARCH_PATH}?addressKeyword=${encodeURIComponent('22 Great South Rd Papakura')}`, {});
    expect(liq.body['totalMatches']).toBe(2);
  });
});

describe('store pages and images', () => {
  it('serves each lead store page at its store URL path, macrons included, with working images', async () => {
    const res = await fetch(sb.storeUrl('https://www.ubereats.com/nz/store/pōneke-pizza-co/sample017'));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1>Pōneke Pizza Co</h1>');
    const img = /src="(\/_sandbox\/images\/[^"]+)"/.exec(html)?.[1];
    expect(img).toBeDefined();
    const imgRes = await fetch(`${sb.url}${img}`);
    expect(imgRes.headers.get('content-type')).toContain('image/svg+xml');
    const fav = await fetch(`${sb.url}/_sandbox/favicon/sample017.png`);
    expect(Buffer.from(await fav.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
    expect((await fetch(`${sb.url}/nz/store/nobody/sample999`)).status).toBe(404);
  });
});

describe('fault injection', () => {
  it('injects 429 with Retry-After, errors and latency per route, set at start or through the control route', async () => {
    const ctl = await fetch(`${sb.url}/_sandbox/faults/nzbn.search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rateLimit: { retryAfterSeconds: 7 }, times: 1 }),
    });
    expect(ctl.status).toBe(200);
    const limited = await json(`${NZBN_BASE_PATH}/entities?search-term=noi`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((await json(`${NZBN_BASE_PATH}/entities?search-term=noi`)).status).toBe(200);

    sb.faults.set('register.search', { errorRate: 1, errorStatus: 503 });
    expect((await json(`${REGISTER_SEARCH_PATH}?q=noi`, {})).status).toBe(503);
    sb.faults.clear('register.search');

    sb.faults.set('nzbn.entity', { latencyMs: 150 });
    const t0 = performance.now();
    expect((await json(`${NZBN_BASE_PATH}/entities/9429040005188`)).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    sb.faults.clear();

    const started = await createSandboxServer({ faults: { 'store.page': { errorRate: 1 } } });
    try {
      expect((await fetch(started.storeUrl('https://x.example/nz/store/a/sample001'))).status).toBe(500);
    } finally {
      await started.close();
    }
    const inspect = await json('/_sandbox/inspect', {});
    expect((inspect.body['requests'] as Record<string, number>)['nzbn.search']).toBeGreaterThan(0);
  });
});

describe('the sandbox command', () => {
  it('serves a --registry file with --faults until told to stop, printing its addresses as JSON', async () => {
    const lines: string[] = [];
    let stop: () => void = () => undefined;
    const until = new Promise<void>((r) => (stop = r));
    const running = runSandboxCli(
      { port: 0, faults: '{"register.search":{"errorRate":1,"errorStatus":502}}', json: true },
      { print: (t) => lines.push(t) },
      until,
    );
    await expect.poll(() => lines.length).toBe(1);
    const d = JSON.parse(lines[0] ?? '{}') as { url: string; nzbnBaseUrl: string; entities: number };
    expect(d.entities).toBe(31);
    expect((await fetch(`${d.url}${REGISTER_SEARCH_PATH}?q=noi`)).status).toBe(502);
    stop();
    await running;
    await expect(fetch(`${d.url}/_sandbox/inspect`)).rejects.toThrow();
    await expect(runSandboxCli({ port: 'x' }, { print: () => undefined }, Promise.resolve())).rejects.toThrow('--port must be an integer');
    await expect(runSandboxCli({ faults: '{"a":{"errorRate":2}}' }, { print: () => undefined }, Promise.resolve())).rejects.toThrow('--faults');
  });
});
