// Leads file parsing: the fixture file validates, errors come by line number, duplicates are found by
// normalised name + address, and menu paths resolve against the leads file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeadsFileError, parseLeadsCsv, parseLeadsFile } from '../src/leads/parse';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures');
const HEADER = 'name,address,city,phone,email,website_url,ubereats_url,cuisine,opening_hours,primary_color,secondary_color,menu_csv,option_sets_csv\n';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'regbatch-leads-'));
  writeFileSync(join(dir, 'menu.csv'), 'categoryName,dishName,dishPrice\nMains,Pie,5.00\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the fixture leads file', () => {
  it('validates all 25 rows, normalising phones, emails (IDN domains) and colours, with menu sources resolved', () => {
    const res = parseLeadsFile(join(fixtures, 'leads.csv'));
    expect(res.errors).toEqual([]);
    expect(res.duplicates).toEqual([]);
    expect(res.leads).toHaveLength(25);
    const kowhai = res.leads[0];
    expect(kowhai).toMatchObject({
      line: 2,
      name: 'Kowhai Burger Co',
      phone: '+64215550101',
      primary_color: '#3f92ff',
      menu_source: {
        kind: 'csv',
        menu_csv: join(fixtures, 'menus/burgerit_menu_05-08-2025.csv'),
        option_sets_csv: join(fixtures, 'option-sets/burgerit_menu_05-08-2025.option-sets.csv'),
      },
    });
    expect(res.leads.find((l) => l.name === 'Harbour Curry Garden')?.email).toBe('bookings@harbourcurry.example.nz');
    expect(res.leads.find((l) => l.name === 'Pōneke Pizza Co')?.email).toMatch(/^owner3@xn--/);
    expect(res.leads.find((l) => l.name === 'La Ruby Restaurant')?.opening_hours?.length).toBeGreaterThan(0);
    expect(res.leads.filter((l) => l.menu_source?.kind === 'csv' && l.menu_source.option_sets_csv)).toHaveLength(6);
  });
});

describe('validation and dedupe', () => {
  it('reports every invalid field by line number, including a row whose quoted address spans lines', () => {
    const csv =
      HEADER +
      'Good,"1 Queen Street, Auckland Central",Auckland,09 555 0100,a@b.nz,,,pizza,Mon-Sun 11:00-21:00,#fff,#000000,menu.csv,\n' +
      'Bad Phone,"2 Queen Street,\nAuckland Central",Auckland,12345,not-an-email,ftp://x,,,Someday 25:00-26:00,blue,,missing.csv,\n' +
      ',3 Queen Street,Auckland,,,,,,,,,,\n';
    const res = parseLeadsCsv(csv, { baseDir: dir });
    expect(res.leads.map((l) => l.name)).toEqual(['Good']);
    expect(res.leads[0]?.secondary_color).toBe('#000000');
    expect(res.leads[0]?.primary_color).toBe('#ffffff');
    const byField = Object.fromEntries(res.errors.map((e) => [`${e.line}:${e.field}`, e.value]));
    expect(byField).toMatchObject({
      '3:phone': '12345',
      '3:email': 'not-an-email',
      '3:website_url': 'ftp://x',
      '3:opening_hours': 'Someday 25:00-26:00',
      '3:primary_color': 'blue',
      '3:menu_csv': 'missing.csv',
      '5:name': '',
    });
    expect(new LeadsFileError(res.errors).message).toContain('line 3: phone "12345"');
  });

  it('deduplicates by normalised name and address, keeping the first', () => {
    const csv =
      HEADER +
      'Pōneke Pizza Co,"30 Courtenay Place, Te Aro",Wellington,,,,,,,,,,\n' +
      'PONEKE PIZZA CO.,"30 Courtenay Place Te Aro",Wellington,,,,,,,,,,\n' +
      'Poneke Pizza Co,"31 Courtenay Place, Te Aro",Wellington,,,,,,,,,,\n';
    const res = parseLeadsCsv(csv, { baseDir: dir });
    expect(res.leads.map((l) => l.line)).toEqual([2, 4]);
    expect(res.duplicates).toEqual([{ line: 3, duplicateOfLine: 2, name: 'PONEKE PIZZA CO.' }]);
  });

  it('resolves menu paths relative to the leads file, and falls back to the store page', () => {
    const file = join(dir, 'leads.csv');
    writeFileSync(file, HEADER + 'A,1 A Street,City,,,,https://www.ubereats.com/nz/store/a/x1,,,,,menu.csv,\nB,2 B Street,City,,,,https://www.ubereats.com/nz/store/b/x2,,,,,,\n');
    const res = parseLeadsFile(file);
    expect(res.leads.map((l) => l.menu_source)).toEqual([
      { kind: 'csv', menu_csv: join(dir, 'menu.csv'), option_sets_csv: null },
      { kind: 'store_page', url: 'https://www.ubereats.com/nz/store/b/x2' },
    ]);
  });
});
