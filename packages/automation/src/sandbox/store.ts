// The sandbox's store pages: one HTML page per lead (at its store URL's path) showing the lead's menu,
// logo and colours, plus generated stand-ins for every menu image URL (the real hosts are unreachable here).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { readMenuCsvRows } from '../menu/parse';
import type { MenuRow } from '../menu/model';

export interface StoreLead {
  /** Last path segment of the store URL (e.g. "sample001"): the page's key. */
  id: string;
  name: string;
  /** Path of the lead's store URL ("/nz/store/kowhai-burger-co/sample001"), served as-is by the sandbox. */
  path: string;
  sourceUrl: string;
  primaryColour: string;
  secondaryColour: string;
  rows: MenuRow[];
}

export interface StoreCatalogue {
  stores: StoreLead[];
  byId: Map<string, StoreLead>;
  /** image key -> original URL */
  images: Map<string, string>;
}

export function imageKey(url: string): string {
  return createHash('sha1').update(url).digest('hex').slice(0, 20);
}

/** Read a leads file just far enough to serve store pages (the validating importer lives in leads/). */
export function loadStoreCatalogue(leadsFile: string): StoreCatalogue {
  const base = dirname(leadsFile);
  const records = parse(readFileSync(leadsFile), { bom: true, columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const stores: StoreLead[] = [];
  const images = new Map<string, string>();
  for (const r of records) {
    const url = (r['ubereats_url'] ?? r['store_url'] ?? '').trim();
    if (!url) continue;
    const u = new URL(url);
    const path = decodeURIComponent(u.pathname);
    const id = path.split('/').filter(Boolean).pop() ?? '';
    const menuFile = (r['menu_csv'] ?? '').trim();
    const rows = menuFile ? readMenuCsvRows(readFileSync(resolve(base, menuFile))) : [];
    for (const row of rows) if (row.imageUrl.trim()) images.set(imageKey(row.imageUrl.trim()), row.imageUrl.trim());
    stores.push({
      id,
      name: (r['name'] ?? '').trim(),
      path,
      sourceUrl: url,
      primaryColour: (r['primary_color'] ?? '').trim() || '#000000',
      secondaryColour: (r['secondary_color'] ?? '').trim() || '#ffffff',
      rows,
    });
  }
  return { stores, byId: new Map(stores.map((s) => [s.id, s])), images };
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * The page keeps the source's text as it is (badge phrases, promotional sections and all): cleaning is the
 * extractor's job, as with a real store page. Images point at the sandbox's stand-ins and name the original.
 */
export function renderStorePage(store: StoreLead): string {
  const cats = new Map<string, MenuRow[]>();
  for (const row of store.rows) {
    const list = cats.get(row.category) ?? [];
    list.push(row);
    cats.set(row.category, list);
  }
  let n = 0;
  const sections = [...cats].map(([cat, rows]) => {
    const hid = `cat-${++n}`;
    const items = rows
      .map((r) => {
        const img = r.imageUrl.trim()
          ? `<img src="/_sandbox/images/${imageKey(r.imageUrl.trim())}.svg" alt="${esc(r.name)}" data-source-url="${esc(r.imageUrl.trim())}" width="96" height="96">`
          : '';
        const tags = r.tags.trim()
          ? `<ul aria-label="Tags">${r.tags.split(/[;,]/).map((t) => t.trim()).filter(Boolean).map((t) => `<li>${esc(t)}</li>`).join('')}</ul>`
          : '';
        return `<li><article aria-label="${esc(r.name)}" data-dish-type="${esc(r.type || 'standard')}">${img}<h3>${esc(r.name)}</h3>${
          r.description ? `<p aria-label="Description">${esc(r.description)}</p>` : ''
        }<p aria-label="Price">$${esc(r.price)}</p>${tags}</article></li>`;
      })
      .join('\n');
    return `<section aria-labelledby="${hid}"><h2 id="${hid}">${esc(cat)}</h2><ul>\n${items}\n</ul></section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>${esc(store.name)} | Order online</title>
<meta name="theme-color" content="${esc(store.primaryColour)}">
<meta name="brand-secondary-color" content="${esc(store.secondaryColour)}">
<link rel="icon" type="image/png" href="/_sandbox/favicon/${esc(store.id)}.png">
<style>:root{--brand-primary:${esc(store.primaryColour)};--brand-secondary:${esc(store.secondaryColour)}}
body{font-family:sans-serif;margin:0;background:var(--brand-secondary)}header{background:var(--brand-primary);color:#fff;padding:1rem}
article{border-bottom:1px solid #ddd;padding:.5rem}ul{list-style:none;padding:0}</style>
</head><body>
<header><img src="/_sandbox/logo/${esc(store.id)}.svg" alt="${esc(store.name)} logo" width="150" height="50"><h1>${esc(store.name)}</h1></header>
<main aria-label="Menu">
${sections.join('\n')}
</main></body></html>`;
}

function hueOf(s: string): number {
  return parseInt(createHash('sha1').update(s).digest('hex').slice(0, 4), 16) % 360;
}

export function renderImageSvg(url: string): string {
  const h = hueOf(url);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96"><rect width="96" height="96" fill="hsl(${h},60%,55%)"/><circle cx="48" cy="48" r="28" fill="hsl(${(h + 180) % 360},60%,85%)"/></svg>`;
}

export function renderLogoSvg(store: StoreLead): string {
  const initials = store.name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0]?.toUpperCase() ?? '').join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100" viewBox="0 0 300 100"><rect width="300" height="100" rx="12" fill="${esc(store.primaryColour)}"/><text x="150" y="64" font-size="44" text-anchor="middle" font-family="sans-serif" fill="${esc(store.secondaryColour)}">${esc(initials)}</text></svg>`;
}

/** A 16x16 single-colour PNG: a real, decodable favicon without an image library. */
export function solidPng(hex: string, size = 16): Buffer {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex);
  const rgb = Buffer.from(m?.[1] ?? '000000', 'hex');
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const row = Buffer.concat([Buffer.from([0]), ...Array.from({ length: size }, () => rgb)]);
  const raw = Buffer.concat(Array.from({ length: size }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
