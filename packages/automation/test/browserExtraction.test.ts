// The browser pool and store-page extraction in real Chromium against the sandbox.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { createBrowserPool, findChromium, hostAllowed, type BrowserPool, type PoolLogger } from '../src/browser/pool';
import { extractStorePage, withLeadColours } from '../src/extraction/storePage';
import { parseMenuCsv } from '../src/menu/parse';
import { menuItemCount, type Menu } from '../src/menu/model';
import { createSandboxServer, type SandboxServer } from '../src/sandbox/server';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures');
const leads = parse(readFileSync(join(fixtures, 'leads.csv')), { columns: true, bom: true }) as Record<string, string>[];
const chromium = findChromium(process.env['CHROMIUM_PATH'] ?? null);
const quiet: PoolLogger = { info: () => undefined, warn: () => undefined };
const summary = (m: Menu) => m.categories.flatMap((c) => c.items.map((i) => [c.name, i.name, i.price, i.tags.join('|'), i.description ?? ''].join(' / ')));

let sb: SandboxServer;
let pool: BrowserPool;
beforeAll(async () => {
  if (!chromium) throw new Error('no Chromium: run scripts/ensure-browser.mjs or set CHROMIUM_PATH');
  sb = await createSandboxServer();
  pool = createBrowserPool({ executablePath: chromium, allowedHosts: [new URL(sb.url).host], maxContexts: 2, log: quiet });
}, 60_000);
afterAll(async () => {
  await pool?.close();
  await sb?.close();
});

describe('store-page extraction', () => {
  it('reads each fixture menu’s store page into the same menu its CSV gives, with the lead’s branding', async () => {
    const counts: string[] = [];
    // One lead per distinct menu: the 25 leads share 13 menus, and the page is what is under test.
    const distinct = [...new Map(leads.map((l) => [l['menu_csv'], l])).values()];
    expect(distinct).toHaveLength(13);
    for (const lead of distinct) {
      const url = sb.storeUrl(lead['ubereats_url'] ?? '');
      const got = await pool.withContext(async (ctx) => extractStorePage(await ctx.newPage(), url));
      const fromCsv = parseMenuCsv(readFileSync(join(fixtures, lead['menu_csv'] ?? '')));
      expect(summary(got.menu)).toEqual(summary(fromCsv));
      // Image URLs come back as the originals the page names, not the sandbox's stand-ins.
      const firstImage = got.menu.categories.flatMap((c) => c.items).find((i) => i.image)?.image?.url;
      if (firstImage) expect(new URL(firstImage).host).not.toBe(new URL(sb.url).host);
      expect(got.branding).toMatchObject({
        title: lead['name'],
        primaryColour: lead['primary_color']?.toLowerCase(),
        secondaryColour: lead['secondary_color']?.toLowerCase(),
      });
      expect(got.branding.logoUrl).toMatch(new RegExp(`^${sb.url}/_sandbox/logo/`));
      expect(got.branding.faviconUrl).toMatch(/\.png$/);
      counts.push(`${lead['name']}: ${menuItemCount(got.menu)} items`);
    }
    console.log(`extracted ${counts.length} store pages in Chromium\n${counts.join('\n')}`);
  }, 120_000);

  it('lead colours fill branding a source lacks; a missing page is a non-retryable error', async () => {
    expect(withLeadColours({ title: null, logoUrl: null, faviconUrl: null, primaryColour: null, secondaryColour: '#ABCDEF' }, { primaryColour: '#3F92FF', secondaryColour: '#000000' })).toMatchObject({
      primaryColour: '#3f92ff',
      secondaryColour: '#ABCDEF',
    });
    await expect(pool.withContext(async (ctx) => extractStorePage(await ctx.newPage(), `${sb.url}/nz/store/none/sample999`))).rejects.toMatchObject({
      code: 'STORE_PAGE_NOT_FOUND',
      retryable: false,
    });
    sb.faults.set('store.page', { errorRate: 1, errorStatus: 503, times: 1 });
    await expect(pool.withContext(async (ctx) => extractStorePage(await ctx.newPage(), sb.storeUrl(leads[0]?.['ubereats_url'] ?? '')))).rejects.toMatchObject({
      code: 'STORE_PAGE_UNAVAILABLE',
      retryable: true,
    });
  }, 60_000);
});

describe('browser pool', () => {
  it('closes every context, also when the task throws', async () => {
    let seen: BrowserContext | null = null;
    await expect(
      pool.withContext(async (ctx) => {
        seen = ctx;
        await (await ctx.newPage()).goto(`${sb.url}/_sandbox/inspect`);
        throw new Error('task failed');
      }),
    ).rejects.toThrow('task failed');
    const browser = (seen as BrowserContext | null)?.browser();
    expect(browser?.contexts()).toEqual([]);
    expect(pool.stats().activeContexts).toBe(0);
  }, 30_000);

  it('blocks hosts outside the allow-list at once instead of letting them hang', async () => {
    const before = pool.stats().blockedRequests;
    const started = Date.now();
    const outcome = await pool.withContext(async (ctx) => {
      const page = await ctx.newPage();
      const err = await page.goto('https://tb-static.uber.com/prod/image.jpeg', { timeout: 10_000 }).then(() => null, (e: Error) => e.message);
      // A fresh page: the blocked navigation above leaves the first one on Chromium's error page.
      const second = await ctx.newPage();
      await second.setContent(`<img src="https://img.cdn4dd.com/x.jpg"><img src="${sb.url}/_sandbox/favicon/sample001.png">`, { waitUntil: 'load', timeout: 20_000 });
      return err;
    });
    expect(outcome).toContain('ERR_BLOCKED_BY_CLIENT');
    // A blocked host fails at once; a hanging one would take the full 10 s navigation timeout.
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(pool.stats().blockedRequests - before).toBeGreaterThanOrEqual(2);
    expect(hostAllowed('https://a.example.nz/x', ['*.example.nz'])).toBe(true);
    expect(hostAllowed('http://127.0.0.1:9/x', ['127.0.0.1:8'])).toBe(false);
  }, 60_000);

  it('runs at most maxContexts at once, recycles after N tasks and relaunches after a crash', async () => {
    const small = createBrowserPool({ executablePath: chromium ?? '', allowedHosts: [], maxContexts: 2, recycleAfter: 3, log: quiet });
    try {
      let running = 0;
      let peak = 0;
      await Promise.all(
        Array.from({ length: 5 }, () =>
          small.withContext(async () => {
            running += 1;
            peak = Math.max(peak, running);
            await new Promise((r) => setTimeout(r, 100));
            running -= 1;
          }),
        ),
      );
      expect(peak).toBe(2);
      expect(small.stats().launches).toBeGreaterThanOrEqual(2);
      const launches = small.stats().launches;
      // Kill the browser from inside a task (a page that takes the browser down).
      await small
        .withContext(async (ctx) => {
          const cdp = await ctx.browser()!.newBrowserCDPSession();
          await cdp.send('Browser.crash' as 'Browser.close').catch(() => undefined);
        })
        .catch(() => undefined);
      await expect.poll(() => small.stats().connected, { timeout: 10_000 }).toBe(false);
      const title = await small.withContext(async (ctx) => {
        const page = await ctx.newPage();
        await page.setContent('<title>alive</title>');
        return page.title();
      });
      expect(title).toBe('alive');
      expect(small.stats().launches).toBeGreaterThan(launches);
    } finally {
      await small.close();
    }
  }, 60_000);
});
