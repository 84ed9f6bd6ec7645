// Option-set CSV (reference §4.2): one row per option with the set's columns repeated. Sets are
// deduplicated by the original's SHA-256 content hash and linked to menu items by dish name.
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { normaliseKey } from '../util/text';
import { formatCents, parsePriceCents, PriceFormatError } from './price';
import { MenuFormatError, type Menu } from './model';

export interface OptionSetOption {
  name: string;
  priceCents: number;
  price: string;
  printName: string | null;
  isDefault: boolean;
}

export interface OptionSet {
  name: string;
  displayName: string | null;
  required: boolean;
  multiSelect: boolean;
  quantitySelect: boolean;
  minOptions: number | null;
  maxOptions: number | null;
  freeAmount: number | null;
  options: OptionSetOption[];
  /** Dish names as the file writes them, in first-seen order. */
  appliesToDishes: string[];
  /** SHA-256 of the normalised structure (original's option_set_hash). */
  hash: string;
  /** Source rows, for messages. */
  rows: number[];
}

export interface OptionSetLink {
  optionSetHash: string;
  /** Index of the item in the menu: [category index, item index]. */
  categoryIndex: number;
  itemIndex: number;
  dishName: string;
}

const COLUMNS = [
  'optionSetName', 'displayName', 'required', 'multiSelect', 'quantitySelect', 'minOptions', 'maxOptions',
  'freeAmount', 'optionName', 'optionPrice', 'optionPrintName', 'isDefault', 'appliesToDishes',
] as const;

interface Rec {
  record: Record<string, string>;
  info: { lines: number };
}

function fail(row: number, line: number, field: string, msg: string): never {
  throw new MenuFormatError(`option sets row ${row} (line ${line}): ${field} ${msg}`, row, line, field);
}

function bool(v: string, row: number, line: number, field: string, dflt = false): boolean {
  const s = v.trim().toUpperCase();
  if (s === '') return dflt;
  if (s === 'TRUE' || s === 'YES' || s === '1') return true;
  if (s === 'FALSE' || s === 'NO' || s === '0') return false;
  return fail(row, line, field, `${JSON.stringify(v)} is not TRUE or FALSE`);
}

function int(v: string, row: number, line: number, field: string): number | null {
  const s = v.trim();
  if (s === '') return null;
  if (!/^\d+$/.test(s)) return fail(row, line, field, `${JSON.stringify(v)} is not a whole number`);
  return Number(s);
}

/** The original's hash: name, required, min, max and options sorted by name (descriptions excluded). */
export function optionSetHash(set: Pick<OptionSet, 'name' | 'required' | 'minOptions' | 'maxOptions' | 'options'>): string {
  const normalised = {
    name: set.name.trim().toLowerCase(),
    required: set.required,
    minSelections: set.minOptions ?? 0,
    maxSelections: set.maxOptions,
    options: [...set.options]
      .map((o) => ({ name: o.name.trim().toLowerCase(), priceValue: o.priceCents / 100 }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
  return createHash('sha256').update(JSON.stringify(normalised)).digest('hex');
}

/** Parse and validate; sets with the same content hash are merged (their dish lists united). */
export function parseOptionSetsCsv(input: string | Buffer): OptionSet[] {
  let records: Rec[];
  try {
    records = parse(input, { bom: true, columns: (h: string[]) => h.map((x) => x.trim()), skip_empty_lines: true, info: true }) as Rec[];
  } catch (err) {
    throw new MenuFormatError(`option sets CSV: ${(err as Error).message}`, null, null, null);
  }
  const first = records[0];
  if (first) {
    for (const c of COLUMNS) if (!(c in first.record)) throw new MenuFormatError(`option sets CSV: missing column ${c}`, null, 1, c);
  }
  // Group consecutive rows by their set-level columns.
  type Draft = Omit<OptionSet, 'hash'> & { key: string; line: number };
  const drafts: Draft[] = [];
  let prevEnd = 1;
  records.forEach(({ record: r, info }, i) => {
    const row = i + 1;
    const line = prevEnd + 1;
    prevEnd = info.lines;
    const get = (c: (typeof COLUMNS)[number]) => r[c] ?? '';
    const name = get('optionSetName').trim();
    if (!name) fail(row, line, 'optionSetName', 'is empty');
    const optionName = get('optionName').trim();
    if (!optionName) fail(row, line, 'optionName', 'is empty');
    let priceCents = 0;
    if (get('optionPrice').trim() !== '') {
      try {
        priceCents = parsePriceCents(get('optionPrice'));
      } catch (err) {
        if (err instanceof PriceFormatError) fail(row, line, 'optionPrice', err.message.replace(/^price /, ''));
        throw err;
      }
    }
    const dishes = get('appliesToDishes').split('|').map((d) => d.trim()).filter(Boolean);
    const set = {
      name,
      displayName: get('displayName').trim() || null,
      required: bool(get('required'), row, line, 'required'),
      multiSelect: bool(get('multiSelect'), row, line, 'multiSelect'),
      quantitySelect: bool(get('quantitySelect'), row, line, 'quantitySelect'),
      minOptions: int(get('minOptions'), row, line, 'minOptions'),
      maxOptions: int(get('maxOptions'), row, line, 'maxOptions'),
      freeAmount: int(get('freeAmount'), row, line, 'freeAmount'),
    };
    if (set.minOptions !== null && set.maxOptions !== null && set.minOptions > set.maxOptions) {
      fail(row, line, 'minOptions', `${set.minOptions} is greater than maxOptions ${set.maxOptions}`);
    }
    if (set.required && (set.minOptions ?? 0) < 1) fail(row, line, 'minOptions', 'must be at least 1 for a required set');
    const key = JSON.stringify([set, dishes]);
    const last = drafts[drafts.length - 1];
    const option: OptionSetOption = {
      name: optionName,
      priceCents,
      price: formatCents(priceCents),
      printName: get('optionPrintName').trim() || null,
      isDefault: bool(get('isDefault'), row, line, 'isDefault'),
    };
    if (last && last.key === key) {
      last.options.push(option);
      last.rows.push(row);
    } else {
      drafts.push({ ...set, key, line, options: [option], appliesToDishes: dishes, rows: [row] });
    }
  });
  const byHash = new Map<string, OptionSet>();
  for (const { key: _k, line: _l, ...d } of drafts) {
    const hash = optionSetHash(d);
    const existing = byHash.get(hash);
    if (existing) {
      for (const dish of d.appliesToDishes) if (!existing.appliesToDishes.includes(dish)) existing.appliesToDishes.push(dish);
      existing.rows.push(...d.rows);
    } else {
      byHash.set(hash, { ...d, hash });
    }
  }
  return [...byHash.values()];
}

/**
 * Link sets to the menu's items by dish name (casefolded, accents and spacing normalised; every item of
 * that name, since a dish can sit in two categories). A name with no item is an error naming the row.
 */
export function linkOptionSets(menu: Menu, sets: readonly OptionSet[]): OptionSetLink[] {
  const index = new Map<string, { categoryIndex: number; itemIndex: number; name: string }[]>();
  menu.categories.forEach((c, ci) =>
    c.items.forEach((it, ii) => {
      const k = normaliseKey(it.name);
      const list = index.get(k) ?? [];
      list.push({ categoryIndex: ci, itemIndex: ii, name: it.name });
      index.set(k, list);
    }),
  );
  const links: OptionSetLink[] = [];
  for (const set of sets) {
    for (const dish of set.appliesToDishes) {
      const hits = index.get(normaliseKey(dish));
      if (!hits) {
        throw new MenuFormatError(
          `option sets row ${set.rows[0]}: appliesToDishes names ${JSON.stringify(dish)}, which is not on the menu`,
          set.rows[0] ?? null,
          null,
          'appliesToDishes',
        );
      }
      for (const h of hits) links.push({ optionSetHash: set.hash, categoryIndex: h.categoryIndex, itemIndex: h.itemIndex, dishName: h.name });
    }
  }
  return links;
}
