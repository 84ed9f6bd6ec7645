// What every browser test shares: signing in as a seeded user (the dev login, or its token placed directly), a
// small tRPC-over-HTTP client to read what the API reports, axe-core, the no-horizontal-scroll check, screenshots.
import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

/** The few browser globals the page callbacks touch (this project compiles without the DOM library). */
export interface BrowserGlobals {
  localStorage: { setItem(key: string, value: string): void };
  document: { documentElement: { scrollWidth: number; clientWidth: number }; activeElement: unknown };
  getComputedStyle(element: unknown): { outlineStyle: string };
}

export const USERS = {
  adminA: 'admin@org-a.example',
  userA: 'user@org-a.example',
  adminB: 'admin@org-b.example',
  userB: 'user@org-b.example',
} as const;

export function baseUrl(): string {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error('E2E_BASE_URL is not set (the global setup sets it)');
  return url;
}

/** tRPC over plain HTTP (no batching, no transformer), as a given user. */
export class Api {
  constructor(readonly token: string) {}

  static async as(email: string): Promise<Api> {
    const res = await fetch(`${baseUrl()}/trpc/auth.devLogin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    });
    const body = (await res.json()) as { result?: { data: { token: string } }; error?: unknown };
    if (!body.result) throw new Error(`dev login for ${email} failed: ${JSON.stringify(body.error)}`);
    return new Api(body.result.data.token);
  }

  async query<T = unknown>(path: string, input?: unknown): Promise<T> {
    const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    const res = await fetch(`${baseUrl()}/trpc/${path}${qs}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    return unwrap<T>(path, res);
  }

  async mutate<T = unknown>(path: string, input?: unknown): Promise<T> {
    const res = await fetch(`${baseUrl()}/trpc/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(input ?? null),
    });
    return unwrap<T>(path, res);
  }
}

async function unwrap<T>(path: string, res: Response): Promise<T> {
  const body = (await res.json()) as { result?: { data: T }; error?: { message?: string } };
  if (!body.result)
    throw new Error(`${path} failed (HTTP ${res.status}): ${body.error?.message ?? JSON.stringify(body)}`);
  return body.result.data;
}

/** Signs in through the page's own storage (the token the dev login issues), then opens `path`. */
export async function signInAs(page: Page, email: string, path = '/batches'): Promise<Api> {
  const api = await Api.as(email);
  await page.addInitScript(
    (token) => (globalThis as unknown as BrowserGlobals).localStorage.setItem('regbatch.token', token),
    api.token,
  );
  await page.goto(path);
  return api;
}

/** axe-core on the current page: no serious or critical violation. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}`,
    ),
    `axe on ${what}`,
  ).toEqual([]);
}

/** The page does not scroll sideways (1280×800 is the test viewport). */
export async function expectNoHorizontalScroll(page: Page, what: string): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => {
    const root = (globalThis as unknown as BrowserGlobals).document.documentElement;
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth };
  });
  expect(scrollWidth, `${what} scrolls horizontally (${scrollWidth} > ${clientWidth})`).toBeLessThanOrEqual(
    clientWidth,
  );
}

/** A full-page screenshot kept in the test output (and attached to the report). */
export async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

interface RestaurantList {
  items: { id: string; name: string; inBatches: number }[];
}

/**
 * Creates a batch through the API from `count` restaurants not in any unfinished batch (for tests that start
 * mid-way). It takes restaurants no batch has had yet, from the end of the list: a restaurant whose platform account
 * an earlier batch created fails a new batch's Account Registration (the new job's password differs), and the flow
 * test picks the first rows of the list in the browser.
 */
export async function createBatch(
  api: Api,
  name: string,
  count: number,
  extra: Record<string, unknown> = {},
): Promise<{ batchId: string; jobIds: string[] }> {
  const list = await api.query<RestaurantList>('restaurants.list', { availableOnly: true, limit: 200 });
  const chosen = list.items
    .map((r, i) => ({ r, i }))
    .sort((a, b) => a.r.inBatches - b.r.inBatches || b.i - a.i)
    .slice(0, count)
    .map(({ r }) => r);
  if (chosen.length < count) throw new Error(`only ${chosen.length} restaurants are free, ${count} needed`);
  return api.mutate('batches.create', {
    name,
    restaurantIds: chosen.map((r) => r.id),
    mode: 'parallel',
    ...extra,
  });
}

export const test = base;
export { expect };
