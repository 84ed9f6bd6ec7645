// The 20-column CloudWaitress import CSV (original-system §5.1, reference §5.1), byte-stable for the same
// menu so its SHA-256 can key idempotent imports.
import { createHash } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { cleanText, joinTags } from './clean';
import { formatCents } from './price';
import type { Menu } from './model';

export const CLOUDWAITRESS_COLUMNS = [
  'menuID', 'menuName', 'menuDisplayName', 'menuDescription',
  'categoryID', 'categoryName', 'categoryDisplayName', 'categoryDescription',
  'dishID', 'dishName', 'dishPrice', 'dishType', 'dishDescription', 'displayName', 'printName', 'tags',
  'isCDNImage', 'imageCDNID', 'imageCDNFilename', 'imageExternalURL',
] as const;

export interface MenuCsvExport {
  csv: string;
  sha256: string;
  rows: number;
}

/**
 * As the original's generator: ids, display names, print names and imageExternalURL blank; menuName
 * "Menu"; prices with two decimals; tags joined with ", "; CDN columns only for an uploaded image.
 */
export function exportMenuCsv(menu: Menu): MenuCsvExport {
  const records: string[][] = [];
  for (const cat of menu.categories) {
    for (const item of cat.items) {
      const cdn = item.image?.cdnId ? item.image : null;
      records.push([
        '', 'Menu', '', '',
        '', cleanText(cat.name) || 'Uncategorized', '', '',
        '', item.name, formatCents(item.priceCents), item.type, cleanText(item.description ?? ''), '', '', joinTags(item.tags),
        cdn ? 'TRUE' : 'FALSE', cdn?.cdnId ?? '', cdn?.cdnFilename ?? '', '',
      ]);
    }
  }
  const csv = stringify(records, { header: true, columns: [...CLOUDWAITRESS_COLUMNS], record_delimiter: '\n' });
  return { csv, sha256: createHash('sha256').update(csv, 'utf8').digest('hex'), rows: records.length };
}
