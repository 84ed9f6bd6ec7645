// Registry clients over real HTTP against the sandbox: candidate shapes, paging, and the error classes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxServer, type SandboxServer } from '../src/sandbox/server';
import { createRegistryClient, sandboxRegistrySettings } from '../src/registry/registryClient';
import { createNzbnClient } from '../src/registry/nzbnClient';
import { RegistryError } from '../src/registry/errors';
import { parseRetryAfter } from '../src/registry/http';

let sb: SandboxServer;
beforeAll(async () => {
  sb = await createSandboxServer({ nzbnKeys: ['good-key'] });
});
afterAll(async () => {
  await sb.close();
});
const client = (over: { timeoutMs?: number; key?: string } = {}) =>
  createRegistryClient({ ...sandboxRegistrySettings(sb.url, over.key ?? 'good-key'), timeoutMs: over.timeoutMs ?? 5000 });

async function caught(p: Promise<unknown>): Promise<RegistryError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(RegistryError);
    return err as RegistryError;
  }
  throw new Error('expected the call to fail');
}

describe('name and address searches', () => {
  it('returns raw candidates in the combined_results shape with trading names and the registered address', async () => {
    const found = await client().searchByName('Harbour Curry Garden');
    const c = found.find((x) => x.company_number === '1003466');
    expect(c).toMatchObject({
      company_name: 'SINGH & KAUR HOSPITALITY 2019 LIMITED',
      nzbn: '9429040000749',
      status: 'Registered',
      incorporation_date: '2019-02-01',
      registered_address: '88 Jervois Road, Herne Bay, Auckland 1011',
      match_source: 'name',
      trading_names: ['Harbour Curry Garden'],
    });
  });

  it('shows removed and liquidated companies with their status rather than hiding them', async () => {
    const found = await client().searchByName('Gone Burger');
    const removed = found.find((x) => x.company_number === '1006932');
    expect(removed).toMatchObject({ status: 'Removed', status_code: '80', removed_on: '2019-03-14' });
    const liq = (await client().searchByName('Cheap as Chips Papakura')).find((x) => x.company_number === '1029461');
    expect(liq).toMatchObject({ status: 'In Liquidation', liquidation: { started_on: null } });
  });

  it('pages through the NZBN search until every result is read', async () => {
    const nz = createNzbnClient({ baseUrl: `${sb.url}/gateway/nzbn/v5`, subscriptionKey: 'good-key', pageSize: 1, enrichLimit: 0 });
    const paged = await nz.searchByName('burger');
    const one = await nz.searchEntities({ term: 'burger', pageSize: 50 });
    expect(paged.map((c) => c.nzbn).sort()).toEqual(one.items.map((i) => i.nzbn).sort());
    expect(paged.length).toBeGreaterThan(3);
  });

  it('searches the register by address keyword, registered companies only by default', async () => {
    const found = await client().searchByAddress({ street: '22 Great South Road', city: 'Papakura' });
    expect(found.map((c) => c.company_number)).toEqual(['1031194']);
    expect(found[0]).toMatchObject({ match_source: 'address', registered_address: '22 Great South Road, Papakura, Auckland 2110', nzbn: '9429040006666' });
  });
});

describe('error classes', () => {
  it('a timeout is a retryable REGISTRY_TIMEOUT, not an empty result', async () => {
    sb.faults.set('nzbn.search', { latencyMs: 1500, times: 1 });
    const err = await caught(client({ timeoutMs: 200 }).searchByName('Noi Thai Kitchen'));
    expect(err).toMatchObject({ code: 'REGISTRY_TIMEOUT', retryable: true });
    sb.faults.clear();
  });

  it('HTTP 500 is a retryable REGISTRY_UNAVAILABLE', async () => {
    sb.faults.set('register.search', { errorRate: 1, errorStatus: 500, times: 1 });
    const err = await caught(client().searchByAddress('45 Riccarton Road Christchurch'));
    expect(err).toMatchObject({ code: 'REGISTRY_UNAVAILABLE', retryable: true, status: 500 });
  });

  it('HTTP 429 is retryable and carries Retry-After in milliseconds', async () => {
    sb.faults.set('nzbn.entity', { rateLimit: { retryAfterSeconds: 12 }, times: 1 });
    const err = await caught(client().getCompany({ nzbn: '9429040005188' }));
    expect(err).toMatchObject({ code: 'REGISTRY_RATE_LIMITED', retryable: true, retryAfterMs: 12_000 });
    expect(err.toTaskError()).toEqual({ code: 'REGISTRY_RATE_LIMITED', message: err.message, retryable: true, retryAfterMs: 12_000 });
    expect(parseRetryAfter('Thu, 03 Dec 2026 10:00:30 GMT', Date.parse('Thu, 03 Dec 2026 10:00:00 GMT'))).toBe(30_000);
  });

  it('HTTP 401 (bad subscription key) is a non-retryable REGISTRY_BAD_CREDENTIALS', async () => {
    const err = await caught(client({ key: 'wrong-key' }).searchByName('Noi Thai Kitchen'));
    expect(err).toMatchObject({ code: 'REGISTRY_BAD_CREDENTIALS', retryable: false, status: 401 });
    expect(() => createNzbnClient({ baseUrl: sb.url, subscriptionKey: '' })).toThrow(RegistryError);
  });

  it('a refused connection is a retryable REGISTRY_NETWORK error', async () => {
    const gone = await createSandboxServer();
    const url = gone.url;
    await gone.close();
    const err = await caught(createRegistryClient(sandboxRegistrySettings(url)).searchByName('Noi'));
    expect(err).toMatchObject({ code: 'REGISTRY_NETWORK', retryable: true });
  });

  it('an unknown NZBN is a non-retryable REGISTRY_NOT_FOUND', async () => {
    const err = await caught(client().getCompany({ nzbn: '9429000000001' }));
    expect(err).toMatchObject({ code: 'REGISTRY_NOT_FOUND', retryable: false });
  });
});
