// Menu CSV: every fixture parses, cleaning and promotional rules, prices, round trip through the
// CloudWaitress export, RFC 4180 edge cases, and option sets linked to dishes.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseMenuCsv, isPromotionalCategory } from '../src/menu/parse';
import { exportMenuCsv, CLOUDWAITRESS_COLUMNS } from '../src/menu/export';
import { parsePriceCents, PriceFormatError } from '../src/menu/price';
import { splitTags, joinTags, cleanText } from '../src/menu/clean';
import { linkOptionSets, parseOptionSetsCsv } from '../src/menu/optionSets';
import { MenuFormatError, menuItemCount, type Menu } from '../src/menu/model';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures');
const menuFiles = readdirSync(join(fixtures, 'menus')).filter((f) => f.endsWith('.csv')).sort();
const load = (f: string) => parseMenuCsv(readFileSync(join(fixtures, 'menus', f)));

function caughtMenuError(fn: () => unknown): MenuFormatError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MenuFormatError);
    return err as MenuFormatError;
  }
  throw new Error('expected a MenuFormatError');
}

const summary = (m: Menu) => m.categories.flatMap((c) => c.items.map((i) => [c.name, i.name, i.price, i.tags.join('|')].join(' / ')));

describe('fixture menus', () => {
  it('all 13 fixture menus parse (item and category counts printed)', () => {
    expect(menuFiles).toHaveLength(13);
    const table = menuFiles.map((f) => {
      const m = load(f);
      expect(menuItemCount(m)).toBeGreaterThan(0);
      return { menu: f, categories: m.categories.length, items: menuItemCount(m), promotionalRowsDropped: m.droppedPromotionalRows };
    });
    console.table(table);
  });

  it('drops a promotional row only when the dish is also in a real category', () => {
    const himalaya = load('himalaya_menu_31-07-2025.csv');
    // Seven "Featured Items" rows all repeat dishes from Mains.
    expect(himalaya.categories.map((c) => c.name)).toEqual(['Mains']);
    expect(menuItemCount(himalaya)).toBe(10);
    expect(himalaya.droppedPromotionalRows).toBe(7);
    const gone = load('gone_burger_menu_2025-08-16.csv');
    expect(gone.droppedPromotionalRows).toBe(28);
    for (const cat of gone.categories.filter((c) => isPromotionalCategory(c.name))) {
      const real = new Set(gone.categories.filter((c) => !isPromotionalCategory(c.name)).flatMap((c) => c.items.map((i) => i.name.toLowerCase())));
      for (const item of cat.items) expect(real.has(item.name.toLowerCase())).toBe(false);
    }
  });

  it('keeps every dish of a menu whose only category is promotional', () => {
    const ww = load('winnerwinner_menu_03-08-2025.csv');
    expect(ww.categories.map((c) => c.name)).toEqual(['Featured items']);
    expect(menuItemCount(ww)).toBe(10);
    // The platform's badge phrases are gone from the tags.
    expect(ww.categories[0]?.items.every((i) => i.tags.length === 0)).toBe(true);
  });

  it('cleans badge phrases, percentages and counts from tags, and never inverts an absence tag', () => {
    const chippery = load('mtvicchippery_menu_04-08-2025.csv');
    const tags = new Set(chippery.categories.flatMap((c) => c.items.flatMap((i) => i.tags)));
    expect([...tags]).toEqual(['Popular']);
    const noi = load('noi_menu_2025-08-05.csv');
    const noiTags = new Set(noi.categories.flatMap((c) => c.items.flatMap((i) => i.tags)));
    expect(noiTags.has('Contains Nuts')).toBe(true);
    expect(noiTags.has('Nut Free')).toBe(false);
    expect(splitTags('Contains Nuts, Mild')).toEqual(['Contains Nuts', 'Mild']);
    expect(splitTags('Vegan; Gluten Free,Popular ;; ')).toEqual(['Vegan', 'Gluten Free', 'Popular']);
    expect(joinTags(['Vegan', 'Gluten Free'])).toBe('Vegan, Gluten Free');
    expect(cleanText('No. 1 most liked')).toBe('');
  });
});

describe('round trip through the CloudWaitress export', () => {
  it('parse -> export -> parse keeps items, prices and tags for every fixture, byte-stable with a hash', () => {
    for (const f of menuFiles) {
      const m = load(f);
      const out = exportMenuCsv(m);
      expect(out.csv.split('\n')[0]).toBe(CLOUDWAITRESS_COLUMNS.join(','));
      expect(out.rows).toBe(menuItemCount(m));
      const again = parseMenuCsv(out.csv);
      expect(summary(again)).toEqual(summary(m));
      const second = exportMenuCsv(again);
      expect(second.csv).toBe(out.csv);
      expect(second.sha256).toBe(out.sha256);
      expect(out.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('writes tags joined with ", ", two-decimal prices, menuName Menu and blank CDN columns without an upload', () => {
    const m = parseMenuCsv('menuName,categoryName,dishName,dishPrice,dishType,dishDescription,tags\nX,Mains,"Pie, ""big""",$9.5,,Flaky,Vegan;Spicy\n');
    const lines = exportMenuCsv(m).csv.trimEnd().split('\n');
    expect(lines[1]).toBe(',Menu,,,,Mains,,,,"Pie, ""big""",9.50,standard,Flaky,,,"Vegan, Spicy",FALSE,,,');
  });
});

describe('RFC 4180 and prices', () => {
  it('reads a BOM + CRLF file with a newline inside a quoted description', () => {
    const csv =
      '\uFEFFmenuID,menuName,categoryName,dishName,dishPrice,dishType,dishDescription,tags\r\n' +
      ',Menu,Mains,Kūmara Fries,9.50,standard,"Hand-cut kūmara,\r\nwith aioli",Vegetarian;Gluten Free\r\n' +
      ',Menu,Mains,Steak,"12,50",standard,Plain,\r\n';
    const m = parseMenuCsv(csv);
    const [fries, steak] = m.categories[0]?.items ?? [];
    expect(fries).toMatchObject({ name: 'Kūmara Fries', price: '9.50', description: 'Hand-cut kūmara, with aioli', tags: ['Vegetarian', 'Gluten Free'] });
    expect(steak).toMatchObject({ name: 'Steak', priceCents: 1250 });
  });

  it('rejects 1.234,50 naming the row and line', () => {
    const csv = 'menuName,categoryName,dishName,dishPrice\nMenu,Mains,"Fish\nand chips",10.00\nMenu,Mains,Banquet,"1.234,50"\n';
    const err = caughtMenuError(() => parseMenuCsv(csv));
    expect(err.message).toContain('row 2 (line 4)');
    expect(err.message).toContain('1.234,50');
    expect(err).toMatchObject({ row: 2, line: 4, field: 'dishPrice', code: 'MENU_INVALID', retryable: false });
  });

  it('reads 12.50, $12.50, 12,50 and 1,234.50; refuses ambiguous or non-prices', () => {
    expect(parsePriceCents('12.50')).toBe(1250);
    expect(parsePriceCents('$12.50')).toBe(1250);
    expect(parsePriceCents('12,50')).toBe(1250);
    expect(parsePriceCents(' NZ$ 7 ')).toBe(700);
    expect(parsePriceCents('1,234.50')).toBe(123450);
    for (const bad of ['1.234,50', '1,234', '1.234', '', 'free', '12.505']) expect(() => parsePriceCents(bad)).toThrow(PriceFormatError);
  });

  it('names the missing column and an unknown dish type', () => {
    expect(caughtMenuError(() => parseMenuCsv('categoryName,dishName\nA,B\n')).field).toBe('dishPrice');
    expect(caughtMenuError(() => parseMenuCsv('categoryName,dishName,dishPrice,dishType\nA,B,1.00,platter\n')).message).toContain('row 1');
  });
});

describe('option sets', () => {
  const pairs = [
    ['burgerit_menu_05-08-2025.csv', 'burgerit_menu_05-08-2025.option-sets.csv'],
    ['curry_garden_menu_2025-08-07.csv', 'curry_garden_menu_2025-08-07.option-sets.csv'],
    ['minos_pizza_menu_2025-08-14.csv', 'minos_pizza_menu_2025-08-14.option-sets.csv'],
  ] as const;

  it('the three option-set files load and link to every dish they name', () => {
    for (const [menuFile, setsFile] of pairs) {
      const menu = load(menuFile);
      const sets = parseOptionSetsCsv(readFileSync(join(fixtures, 'option-sets', setsFile)));
      const links = linkOptionSets(menu, sets);
      for (const set of sets) {
        expect(set.hash).toMatch(/^[0-9a-f]{64}$/);
        const linked = new Set(links.filter((l) => l.optionSetHash === set.hash).map((l) => l.dishName.toLowerCase()));
        for (const dish of set.appliesToDishes) expect(linked.has(dish.toLowerCase())).toBe(true);
      }
      console.log(`${setsFile}: ${sets.length} sets, ${sets.reduce((n, s) => n + s.options.length, 0)} options, ${links.length} links`);
    }
    const minos = parseOptionSetsCsv(readFileSync(join(fixtures, 'option-sets', pairs[2][1])));
    expect(minos.map((s) => [s.name, s.options.length, s.required, s.minOptions, s.maxOptions])).toEqual([
      ['Choose Your Size', 3, true, 1, 1],
      ['Base', 3, true, 1, 1],
      ['Extra Toppings', 4, false, null, 6],
      ['Drink Size', 2, true, 1, 1],
    ]);
  });

  it('deduplicates identical sets by content hash and unites their dishes', () => {
    const header = 'optionSetName,displayName,required,multiSelect,quantitySelect,minOptions,maxOptions,freeAmount,optionName,optionPrice,optionPrintName,isDefault,appliesToDishes\n';
    const sets = parseOptionSetsCsv(
      header +
        'Sauce,,FALSE,FALSE,FALSE,,1,,Aioli,1.00,,FALSE,Chips\n' +
        'Extra,,FALSE,TRUE,FALSE,,2,,Cheese,1.50,,FALSE,Chips\n' +
        'sauce ,,FALSE,FALSE,FALSE,,1,,aioli,$1,,FALSE,Burger\n',
    );
    expect(sets).toHaveLength(2);
    expect(sets[0]?.appliesToDishes).toEqual(['Chips', 'Burger']);
  });

  it('an unknown dish name is an error naming the row; invalid conditions name the field', () => {
    const header = 'optionSetName,displayName,required,multiSelect,quantitySelect,minOptions,maxOptions,freeAmount,optionName,optionPrice,optionPrintName,isDefault,appliesToDishes\n';
    const menu = load('minos_pizza_menu_2025-08-14.csv');
    const sets = parseOptionSetsCsv(header + 'Size,,TRUE,FALSE,FALSE,1,1,,Small,0.00,,TRUE,Hawaiian Pizza\nDip,,FALSE,FALSE,FALSE,,1,,Garlic,1.00,,FALSE,Hawaiian Pizza|Unicorn Pizza\n');
    const err = caughtMenuError(() => linkOptionSets(menu, sets));
    expect(err.message).toContain('row 2');
    expect(err.message).toContain('Unicorn Pizza');
    expect(caughtMenuError(() => parseOptionSetsCsv(header + 'Size,,TRUE,FALSE,FALSE,0,1,,Small,0.00,,TRUE,X\n')).field).toBe('minOptions');
    expect(caughtMenuError(() => parseOptionSetsCsv(header + 'Size,,MAYBE,FALSE,FALSE,1,1,,Small,0.00,,TRUE,X\n')).message).toContain('row 1 (line 2): required');
  });
});
