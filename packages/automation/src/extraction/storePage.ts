// Menu and branding from a restaurant's store page, read in a real browser. Sections are found by role
// (region + heading), dishes by role (article) and labelled parts; the rows then go through the same
// build step as a CSV (cleaning, prices, promotional sections), so both sources give the same menu.
import type { Locator, Page } from 'playwright-core';
import { buildMenu } from '../menu/parse';
import type { Menu, MenuRow } from '../menu/model';

export interface StoreBranding {
  title: string | null;
  logoUrl: string | null;
  faviconUrl: string | null;
  primaryColour: string | null;
  secondaryColour: string | null;
}

export interface StorePageExtraction {
  url: string;
  menu: Menu;
  rows: MenuRow[];
  branding: StoreBranding;
}

export class StorePageError extends Error {
  constructor(
    readonly code: 'STORE_PAGE_UNAVAILABLE' | 'STORE_PAGE_NOT_FOUND' | 'STORE_PAGE_EMPTY',
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** The few element members the in-page reader uses (the package compiles without the DOM lib). */
interface El {
  textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(sel: string): El | null;
  querySelectorAll(sel: string): ArrayLike<El>;
}

interface DishText {
  name: string;
  description: string;
  price: string;
  type: string;
  tags: string[];
  image: string;
}

const HEX = /^#[0-9a-f]{6}$/i;
function colour(v: string | null): string | null {
  const s = (v ?? '').trim();
  if (HEX.test(s)) return s.toLowerCase();
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(s);
  return short ? `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}`.toLowerCase() : null;
}

function absolute(href: string | null, base: string): string | null {
  if (!href) return null;
  try {
    return new URL(href, base).href;
  } catch {
    return null;
  }
}

/** An attribute of the first match, or null at once when nothing matches (no auto-wait). */
async function attr(loc: Locator, name: string): Promise<string | null> {
  return (await loc.count()) > 0 ? loc.first().getAttribute(name) : null;
}

export async function extractStorePage(page: Page, url: string, opts: { timeoutMs?: number } = {}): Promise<StorePageExtraction> {
  const res = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: opts.timeoutMs ?? 30_000 });
  const status = res?.status() ?? 0;
  if (status === 404) throw new StorePageError('STORE_PAGE_NOT_FOUND', `store page ${url} does not exist (HTTP 404)`, false);
  if (!res || status >= 400) throw new StorePageError('STORE_PAGE_UNAVAILABLE', `store page ${url} answered HTTP ${status}`, status >= 500 || status === 429 || status === 0);

  // Sections are the page's landmark regions; one in-page pass reads each section's heading and dishes
  // (a call per dish would cost a round trip each). No named inner functions in the page function: under
  // tsx, esbuild would wrap them in a __name() helper that does not exist in the browser.
  const sections = await page
    .getByRole('main')
    .getByRole('region')
    .evaluateAll((els: unknown[]) =>
      (els as El[]).map((section) => ({
        category: (section.querySelector('h2')?.textContent ?? '').trim(),
        dishes: Array.from(section.querySelectorAll('article')).map(
          (a): DishText => ({
            name: (a.querySelector('h3')?.textContent ?? '').trim(),
            description: (a.querySelector('[aria-label="Description"]')?.textContent ?? '').trim(),
            price: (a.querySelector('[aria-label="Price"]')?.textContent ?? '').trim(),
            type: a.getAttribute('data-dish-type') ?? '',
            tags: Array.from(a.querySelectorAll('[aria-label="Tags"] li')).map((li) => (li.textContent ?? '').trim()),
            image: a.querySelector('img')?.getAttribute('data-source-url') ?? a.querySelector('img')?.getAttribute('src') ?? '',
          }),
        ),
      })),
    );
  const rows: MenuRow[] = [];
  for (const { category, dishes } of sections) {
    for (const d of dishes) {
      rows.push({
        row: rows.length + 1,
        line: 0,
        menuName: 'Menu',
        category,
        categoryDescription: '',
        name: d.name,
        price: d.price,
        type: d.type,
        description: d.description,
        displayName: '',
        printName: '',
        tags: d.tags.join(', '),
        imageUrl: absolute(d.image, page.url()) ?? '',
        cdnId: '',
        cdnFilename: '',
      });
    }
  }
  if (rows.length === 0) throw new StorePageError('STORE_PAGE_EMPTY', `store page ${url} shows no dishes`, false);

  const h1 = page.getByRole('heading', { level: 1 });
  const branding: StoreBranding = {
    title: (await h1.count()) > 0 ? (await h1.first().innerText()).trim() || null : null,
    logoUrl: absolute(await attr(page.getByRole('img', { name: /logo$/i }), 'src'), page.url()),
    faviconUrl: absolute(await attr(page.locator('link[rel~="icon"]'), 'href'), page.url()),
    primaryColour: colour(await attr(page.locator('meta[name="theme-color"]'), 'content')),
    secondaryColour: colour(await attr(page.locator('meta[name="brand-secondary-color"]'), 'content')),
  };
  return { url, menu: buildMenu(rows), rows, branding };
}

/** Branding with the lead's colours filling whatever the source lacks (issue 5: "when a source has none"). */
export function withLeadColours(b: StoreBranding, lead: { primaryColour?: string | null; secondaryColour?: string | null }): StoreBranding {
  return { ...b, primaryColour: b.primaryColour ?? colour(lead.primaryColour ?? null), secondaryColour: b.secondaryColour ?? colour(lead.secondaryColour ?? null) };
}
