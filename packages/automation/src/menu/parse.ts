// Menu CSV reading (RFC 4180 via csv-parse: BOM, CRLF/LF, quoted commas and newlines) and the build step
// shared with store-page extraction: cleaning, price parsing, and the promotional-category rule.
import { parse } from 'csv-parse/sync';
import { normaliseKey } from '../util/text';
import { cleanText, splitTags } from './clean';
import { formatCents, parsePriceCents, PriceFormatError } from './price';
import { MenuFormatError, type DishType, type Menu, type MenuCategory, type MenuItem, type MenuRow } from './model';

const REQUIRED_COLUMNS = ['categoryName', 'dishName', 'dishPrice'] as const;

/**
 * Platform sections that repeat dishes from the real menu ("Featured items", "Most Ordered", "Popular"...).
 * A trailing number covers exports that split a section per row ("Featured Items 2").
 */
const PROMOTIONAL_RE =
  /^(featured( items?)?|most (ordered|liked|popular)|popular( items| dishes| right now)?|picked for you|top (picks|sellers|rated|items)|best ?sellers?|trending( now)?|customer (favourites?|favorites?)|(our )?favourites?|favorites?|recommended( for you)?|chef'?s? (recommendations?|picks?|specials?))( \d+)?$/i;

export function isPromotionalCategory(name: string): boolean {
  return PROMOTIONAL_RE.test(name.trim());
}

interface CsvRecordWithInfo {
  record: Record<string, string>;
  info: { lines: number };
}

/** Read the CSV into raw rows. Throws MenuFormatError naming the line for structural problems. */
export function readMenuCsvRows(input: string | Buffer): MenuRow[] {
  let records: CsvRecordWithInfo[];
  try {
    records = parse(input, {
      bom: true,
      columns: (header: string[]) => header.map((h) => h.trim()),
      skip_empty_lines: true,
      info: true,
    }) as CsvRecordWithInfo[];
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new MenuFormatError(`menu CSV: ${e.message}`, null, e.lines ?? null, null);
  }
  const first = records[0];
  if (first) {
    for (const col of REQUIRED_COLUMNS) {
      if (!(col in first.record)) throw new MenuFormatError(`menu CSV: missing column ${col}`, null, 1, col);
    }
  }
  let prevEnd = 1;
  return records.map(({ record: r, info }, i) => {
    const line = prevEnd + 1;
    prevEnd = info.lines;
    const cdn = (r['isCDNImage'] ?? '').trim().toUpperCase() === 'TRUE';
    return {
      row: i + 1,
      line,
      menuName: r['menuName'] ?? '',
      category: r['categoryName'] ?? '',
      categoryDescription: r['categoryDescription'] ?? '',
      name: r['dishName'] ?? '',
      price: r['dishPrice'] ?? '',
      type: r['dishType'] ?? '',
      description: r['dishDescription'] ?? '',
      displayName: r['displayName'] ?? '',
      printName: r['printName'] ?? '',
      tags: r['tags'] ?? '',
      imageUrl: r['imageURL'] ?? r['imageExternalURL'] ?? '',
      cdnId: cdn ? (r['imageCDNID'] ?? '') : '',
      cdnFilename: cdn ? (r['imageCDNFilename'] ?? '') : '',
    };
  });
}

function where(row: MenuRow): string {
  return `row ${row.row} (line ${row.line})`;
}

function dishType(row: MenuRow): DishType {
  const t = row.type.trim().toLowerCase();
  if (t === '' || t === 'standard') return 'standard';
  if (t === 'combo') return 'combo';
  throw new MenuFormatError(`menu ${where(row)}: dishType ${JSON.stringify(row.type)} is not standard or combo`, row.row, row.line, 'dishType');
}

function toItem(row: MenuRow): MenuItem {
  const name = cleanText(row.name);
  if (!name) throw new MenuFormatError(`menu ${where(row)}: dishName is empty`, row.row, row.line, 'dishName');
  let priceCents: number;
  try {
    priceCents = parsePriceCents(row.price);
  } catch (err) {
    if (err instanceof PriceFormatError) {
      throw new MenuFormatError(`menu ${where(row)}: dishPrice ${err.message.replace(/^price /, '')}`, row.row, row.line, 'dishPrice');
    }
    throw err;
  }
  const url = row.imageUrl.trim();
  const cdnId = row.cdnId.trim();
  return {
    name,
    description: cleanText(row.description) || null,
    priceCents,
    price: formatCents(priceCents),
    type: dishType(row),
    tags: splitTags(row.tags),
    displayName: cleanText(row.displayName) || null,
    printName: cleanText(row.printName) || null,
    image: url || cdnId ? { url: url || null, cdnId: cdnId || null, cdnFilename: row.cdnFilename.trim() || null } : null,
    sourceRow: row.row,
  };
}

/**
 * Rows -> menu. A promotional row is dropped only when the same dish (by normalised name) is also in a
 * real category; a promotional-only dish stays, so a menu made only of "Featured items" keeps every dish.
 */
export function buildMenu(rows: readonly MenuRow[], name = 'Menu'): Menu {
  const items = rows.map((row) => ({ row, item: toItem(row), category: cleanText(row.category) || 'Uncategorized' }));
  const inRealCategory = new Set(items.filter((x) => !isPromotionalCategory(x.category)).map((x) => normaliseKey(x.item.name)));
  const categories = new Map<string, MenuCategory>();
  let dropped = 0;
  for (const { row, item, category } of items) {
    if (isPromotionalCategory(category) && inRealCategory.has(normaliseKey(item.name))) {
      dropped += 1;
      continue;
    }
    let cat = categories.get(category);
    if (!cat) {
      cat = { name: category, description: cleanText(row.categoryDescription) || null, items: [] };
      categories.set(category, cat);
    }
    cat.items.push(item);
  }
  return { name, categories: [...categories.values()], droppedPromotionalRows: dropped };
}

export function parseMenuCsv(input: string | Buffer): Menu {
  return buildMenu(readMenuCsvRows(input));
}
