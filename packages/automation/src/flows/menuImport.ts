// Sub-step 9: Menus > CSV Import of the exported 20-column CSV. Skips when the portal's dishes already
// equal the CSV's (the content-hash look-up, done on what the portal shows); otherwise types the "import"
// confirmation, uploads, and treats a visible rejection as failure. Verified: the portal's dishes equal
// the CSV's rows exactly (never again a "completed" import with no menu).
import { parse } from 'csv-parse/sync';
import { FlowError } from './errors';
import type { AccountLogin } from './context';
import { apiAction, loginAdmin, openRestaurant, tableRows } from './pages/portal';
import { browserFlow } from './runtime';

export interface MenuImportInput {
  account: AccountLogin;
  platformRestaurantId: string;
  /** The CSV from exportMenuCsv, and its SHA-256 (names the uploaded file). */
  csv: string;
  sha256: string;
}

export interface MenuImportOutput {
  imported: boolean;
  itemCount: number;
  sha256: string;
}

/** One comparable line per dish: menu | category | dish | price | type. */
export function csvDishKeys(csv: string): string[] {
  const rows = parse(csv, { bom: true, columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return rows
    .map((r) =>
      [r['menuName'], r['categoryName'], r['dishName'], Number(r['dishPrice'] ?? 'NaN').toFixed(2), (r['dishType'] || 'standard').toLowerCase()]
        .map((s) => String(s ?? '').trim())
        .join(' | '),
    )
    .sort();
}

function sameDishes(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export const menuImport = browserFlow<MenuImportInput, MenuImportOutput>('menuImport', async (t, input) => {
  let expected: string[];
  try {
    expected = csvDishKeys(input.csv);
  } catch (err) {
    throw new FlowError('missing_input', `menu CSV cannot be read: ${(err as Error).message}`);
  }
  if (expected.length === 0) throw new FlowError('missing_input', 'menu CSV has no dishes');
  await loginAdmin(t, input.account);
  await openRestaurant(t, input.platformRestaurantId, '/menus');
  const page = t.page;
  const portalDishes = async () => (await tableRows(page, 'Dishes')).map((c) => [c[0], c[1], c[2], c[3], c[4]].map((s) => (s ?? '').trim()).join(' | ')).sort();

  if (sameDishes(await portalDishes(), expected)) {
    t.log.info({ dishes: expected.length }, 'menu already matches the CSV');
    return { imported: false, itemCount: expected.length, sha256: input.sha256 };
  }

  await page.getByRole('button', { name: 'CSV Import' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import Menu CSV' });
  await dialog.getByLabel('Confirmation').fill('import');
  await dialog.getByRole('button', { name: 'Proceed' }).click();
  await dialog.getByLabel('CSV File').setInputFiles({ name: `menu-${input.sha256.slice(0, 12)}.csv`, mimeType: 'text/csv', buffer: Buffer.from(input.csv, 'utf8') });
  await apiAction(t, () => dialog.getByRole('button', { name: 'Upload' }).click(), '/menus/import', dialog, 'CSV import');
  await page.waitForURL(/imported=/);
  await openRestaurant(t, input.platformRestaurantId, '/menus');
  const after = await portalDishes();
  if (!sameDishes(after, expected)) {
    throw new FlowError('verification_failed', `after import the portal shows ${after.length} dishes, the CSV has ${expected.length}`);
  }
  return { imported: true, itemCount: after.length, sha256: input.sha256 };
});
