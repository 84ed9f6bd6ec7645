// Injected faults against real Chromium: each lands as the right error class (retryable or not), a
// re-run after the fault leaves one effect, the pool survives a crashed tab, and a failed attempt's
// trace and logs never hold the account password.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createBrowserPool, type BrowserPool } from '../src/browser/pool';
import { createSandboxServer, type SandboxServer } from '../src/sandbox/server';
import { createPortalClient, PORTAL_FAULT_ROUTES, type PortalClient } from '../src/sandbox/portal';
import {
  cloudwaitressAccount,
  FlowError,
  restaurantRegistration,
  servicesConfig,
  secretVariants,
  uploadImages,
  websiteConfig,
  type Flow,
  type PortalSettings,
} from '../src/flows';
import { diskArtifacts, flowContext, memoryLog, memorySecrets, sandboxPortalSettings, seedRestaurant } from '../src/flows/testing';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 30_000 });

let sb: SandboxServer;
let pool: BrowserPool;
let portal: PortalClient;
const PASSWORD = 'Faulty-P@ss w0rd&=1';
const secrets = memorySecrets({ 'secret:account': PASSWORD });

async function attempt<I, O>(flow: Flow<I, O>, input: I, opts: { browser?: boolean; settings?: Partial<PortalSettings> } = {}) {
  const log = memoryLog();
  const artifacts = diskArtifacts(mkdtempSync(join(tmpdir(), 'regbatch-fault-')));
  const settings = sandboxPortalSettings(sb.url, { actionTimeoutMs: 5_000, ...opts.settings });
  const go = (page?: Page) =>
    flow(flowContext({ ...(page ? { page } : {}), log, artifacts, secrets, settings }), input).then(
      (output) => ({ output, error: null as FlowError | null }),
      (error: unknown) => ({ output: null, error: error as FlowError }),
    );
  const result = opts.browser === false ? await go() : await pool.withContext(async (c) => go(await c.newPage()));
  return { ...result, log, artifacts };
}

let n = 0;
async function fresh() {
  n += 1;
  const email = `fault${n}@example.co.nz`;
  const { restaurantId } = await seedRestaurant(sb.url, { email, password: PASSWORD, name: `Fault Kitchen ${n}`, subdomain: `faultkitchen${n}` });
  return { account: { email, passwordRef: 'secret:account' }, platformRestaurantId: restaurantId };
}

beforeAll(async () => {
  sb = await createSandboxServer();
  portal = createPortalClient(sb.url);
  pool = createBrowserPool({ allowedHosts: ['127.0.0.1'], maxContexts: 2, log: { info() {}, warn() {} } });
});
afterAll(async () => {
  await pool?.close();
  await sb?.close();
});

describe('faults become typed errors', () => {
  it('a slow page is a retryable timeout, with a screenshot and a trace kept', async () => {
    const r = await fresh();
    await portal.setFault(PORTAL_FAULT_ROUTES.page, { latencyMs: 2_500 });
    const first = await attempt(servicesConfig, r, { settings: { actionTimeoutMs: 1_000 } });
    await portal.clearFaults();
    expect(first.error).toBeInstanceOf(FlowError);
    expect(first.error).toMatchObject({ code: 'timeout', retryable: true });
    expect(first.artifacts.saved.map((a) => a.contentType)).toEqual(expect.arrayContaining(['image/png', 'application/zip']));
  });

  it('a 500 on save is a retryable server error, and the re-run leaves the intended settings once', async () => {
    const r = await fresh();
    await portal.setFault(PORTAL_FAULT_ROUTES.save, { errorRate: 1, errorStatus: 500, times: 1 });
    const first = await attempt(servicesConfig, r);
    expect(first.error).toMatchObject({ code: 'server_error', retryable: true });
    const second = await attempt(servicesConfig, r);
    expect(second.error).toBeNull();
    const s = (await portal.restaurant(r.platformRestaurantId)).services;
    expect([s.pickup['enabled'], s.delivery['enabled'], s.dineIn['enabled'], s.tableBookings['enabled']]).toEqual([true, true, false, false]);
  });

  it('a session expiring mid-flow is retryable, and the re-run completes', async () => {
    const r = await fresh();
    await portal.setSwitches({ expireSessionAfter: 4 });
    const first = await attempt(websiteConfig, { ...r, theme: 'light', primaryColour: '#123456', headerEnabled: false, itemLayout: 'list', seoTitle: 'T', seoDescription: 'D' });
    expect(first.error).toMatchObject({ code: 'session_expired', retryable: true });
    const second = await attempt(websiteConfig, { ...r, theme: 'light', primaryColour: '#123456', headerEnabled: false, itemLayout: 'list', seoTitle: 'T', seoDescription: 'D' });
    expect(second.error).toBeNull();
    expect((await portal.restaurant(r.platformRestaurantId)).website.colors['primary']).toBe('#123456');
  });

  it('an upload that finishes after the client gave up is found, not repeated, on the re-run', async () => {
    const images = [0, 1, 2].map((i) => ({ id: `slow-${i}`, url: `https://tb-static.uber.com/prod/image-proc/slow-${i}.jpeg`, filename: `slow-${i}.jpg` }));
    await portal.setFault(PORTAL_FAULT_ROUTES.cdnUpload, { latencyMs: 1_200, times: 3 });
    const first = await attempt(uploadImages, { images, timeoutMs: 300, concurrency: 3 }, { browser: false });
    expect(first.error).toMatchObject({ code: 'timeout', retryable: true });
    await new Promise((res) => setTimeout(res, 1_500));
    const second = await attempt(uploadImages, { images }, { browser: false });
    expect(second.error).toBeNull();
    expect(second.output?.uploaded.every((u) => u.reused)).toBe(true);
    const cdn = (await portal.uploads()).cdn.filter((f) => f.metadata['sourceId']?.startsWith('slow-'));
    expect(cdn).toHaveLength(3);
  });

  it('a crashed tab is retryable and the pool runs the next task', async () => {
    const r = await fresh();
    await portal.setSwitches({ crashPath: '/settings/services' });
    const first = await attempt(servicesConfig, r, { settings: { actionTimeoutMs: 60_000 } });
    await portal.clearFaults();
    expect(first.error).toMatchObject({ code: 'tab_crashed', retryable: true });
    const second = await attempt(servicesConfig, r);
    expect(second.error).toBeNull();
    expect(pool.stats().activeContexts).toBe(0);
  });

  it('a cancelled task stops with a non-retryable aborted error', async () => {
    const r = await fresh();
    await portal.setFault(PORTAL_FAULT_ROUTES.page, { latencyMs: 1_500 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('batch cancelled')), 300);
    const res = await pool.withContext(async (c) =>
      servicesConfig(flowContext({ page: await c.newPage(), log: memoryLog(), artifacts: diskArtifacts(mkdtempSync(join(tmpdir(), 'regbatch-abort-'))), secrets, settings: sandboxPortalSettings(sb.url), signal: controller.signal }), r).catch((e: unknown) => e),
    );
    await portal.clearFaults();
    expect(res).toMatchObject({ code: 'aborted', retryable: false });
    expect((res as Error).message).toContain('batch cancelled');
  });

  it('429 from the registration API is rate_limited with the Retry-After delay, then registers once', async () => {
    const input = { email: 'ratelimited@example.co.nz', phone: '+6421555777', passwordRef: 'secret:account' };
    await portal.setFault(PORTAL_FAULT_ROUTES.register, { rateLimit: { retryAfterSeconds: 7 }, times: 1 });
    const first = await attempt(cloudwaitressAccount, input, { browser: false });
    expect(first.error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 7_000 });
    const second = await attempt(cloudwaitressAccount, input, { browser: false });
    expect(second.output).toMatchObject({ created: true });
    expect((await portal.accounts()).filter((a) => a.email === input.email)).toHaveLength(1);
  });

  it('a portal validation message is not retryable (subdomain taken by another account)', async () => {
    await fresh(); // another account's restaurant holds faultkitchen<n>
    await seedRestaurant(sb.url, { email: 'validation@example.co.nz', password: PASSWORD, name: 'Seed', subdomain: 'seedvalidation' });
    const r = await attempt(restaurantRegistration, {
      account: { email: 'validation@example.co.nz', passwordRef: 'secret:account' },
      name: 'Fault Kitchen Copy',
      subdomain: `faultkitchen${n}`,
      address: '5 Queen Street, Auckland',
      phone: '+6495550123',
      hours: [{ day: 'Monday', open: '09:00', close: '17:00' }],
    });
    expect(r.error).toMatchObject({ code: 'validation', retryable: false });
    expect(r.error?.message).toContain('already taken');
  });

  it("a failed attempt's trace and logs do not contain the account password", async () => {
    const r = await fresh();
    await portal.setFault(PORTAL_FAULT_ROUTES.save, { errorRate: 1, errorStatus: 500, times: 1 });
    const failed = await attempt(servicesConfig, r);
    expect(failed.error?.code).toBe('server_error');
    const traces = failed.artifacts.saved.filter((a) => a.name.endsWith('.zip'));
    expect(traces.length).toBeGreaterThan(0);
    let all = '';
    for (const t of traces) {
      for (const [, data] of Object.entries(unzipSync(readFileSync(t.path)))) all += strFromU8(data, true);
    }
    // A real trace of the attempt (it saw the services page), and no spelling of the password in it.
    expect(all).toContain('Pickups');
    // Nothing had to be rewritten: tracing was paused while the password was typed and sent.
    expect(all).not.toContain('[REDACTED]');
    for (const v of secretVariants(PASSWORD)) {
      expect(all).not.toContain(v);
      expect(failed.log.lines.join('\n')).not.toContain(v);
    }
  });
});
