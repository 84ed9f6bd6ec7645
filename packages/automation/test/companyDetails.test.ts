// Company details for step 4 over real HTTP: fixture companies and a generated registry file written in
// the register's capitals with joint and corporate parcels.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxServer, type SandboxServer } from '../src/sandbox/server';
import { createRegistryClient, sandboxRegistrySettings } from '../src/registry/registryClient';
import { personNames, titleCaseName } from '../src/company/names';
import { formatPercentage } from '../src/company/details';

describe('fixture companies', () => {
  let sb: SandboxServer;
  beforeAll(async () => {
    sb = await createSandboxServer();
  });
  afterAll(async () => {
    await sb.close();
  });

  it('a ceased director is listed as ceased with its date, and is never the primary contact', async () => {
    const d = await createRegistryClient(sandboxRegistrySettings(sb.url)).getCompany({ companyNumber: '1027728' });
    expect(d.company_name).toBe("SMOKEY T'S BBQ LIMITED");
    expect(d.directors).toEqual([
      { name: 'Losa Kaur', full_name: 'Losa Wiremu Kaur', full_legal_name: 'Losa Wiremu Kaur', position: 'Director', status: 'Current', appointed_date: '2016-04-12', ceased_date: null },
      { name: 'Hannah Tipene', full_name: 'Hannah Maria Luisa Tipene', full_legal_name: 'Hannah Maria Luisa Tipene', position: 'Director', status: 'Ceased', appointed_date: '2016-04-12', ceased_date: '2021-08-31' },
    ]);
    expect(d.primary_contact).toEqual({ contact_name: 'Losa Kaur', full_legal_name: 'Losa Wiremu Kaur' });
    expect(d.shareholders).toEqual([{ name: 'Losa Wiremu Kaur', type: 'Individual', percentage: '100%', shares: 100, allocation: 1, joint: false }]);
  });

  it('a corporate shareholder keeps its registered name and gets its percentage', async () => {
    const d = await createRegistryClient(sandboxRegistrySettings(sb.url)).getCompany({ nzbn: '9429040007038' });
    expect(d.shareholders).toEqual([{ name: 'RUBY FAMILY TRUSTEE LIMITED', type: 'Company', percentage: '100%', shares: 100, allocation: 1, joint: false }]);
    expect(d.nzbn_details).toMatchObject({ gst_number: '101-504-611', email: 'accounts@larubyrestaurantli.example.nz', phone: '+64 9 555 1019', website: 'https://larubyrestaurantli.example.nz' });
    expect(d).toMatchObject({ company_number: '1032927', status: 'Registered', incorporation_date: '2016-04-12', registered_address: '9 Stafford Street, Dunedin Central, Dunedin 9016' });
  });

  it('a company with no NZBN contacts has null contact fields, not invented ones', async () => {
    const d = await createRegistryClient(sandboxRegistrySettings(sb.url)).getCompany({ companyNumber: '1024262' });
    expect(d.nzbn_details).toEqual({ gst_number: null, email: null, phone: null, website: null, gst_numbers: [], emails: [], phones: [], websites: [] });
    expect(d.primary_contact?.contact_name).toBe('Tane Fifita');
  });
});

describe('a generated registry file in register capitals with joint holdings', () => {
  let dir: string;
  let sb: SandboxServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'regbatch-registry-'));
    const file = join(dir, 'registry.json');
    writeFileSync(
      file,
      JSON.stringify([
        {
          company_number: '2000001',
          nzbn: '9429050000017',
          name: 'KŌURA KITCHEN LIMITED',
          status: 'Registered',
          entity_type: 'NZ Limited Company',
          incorporation_date: '2020-10-01',
          removed_on: null,
          registered_address: 'Level 1, 5 Example Street, Ōtāhuhu, Auckland 1062',
          trading_names: ['Kōura Kitchen'],
          directors: [
            { first_name: 'SEAN', middle_names: 'PATRICK', last_name: 'MCDONALD', role: 'Director', appointed: '2020-10-01', ceased: null },
            { first_name: 'AOIFE', middle_names: '', last_name: "O'BRIEN", role: 'Director', appointed: '2020-10-01', ceased: '2023-02-28' },
            { first_name: 'PIETER', middle_names: 'JAN', last_name: 'VAN DER BERG', role: 'Director', appointed: '2021-01-05', ceased: null },
            { first_name: 'ANGUS', middle_names: null, last_name: 'MACDONALD', role: 'Director', appointed: '2021-01-05', ceased: null },
            { first_name: 'TOM', middle_names: null, last_name: 'MACK', role: 'Director', appointed: '2021-01-05', ceased: null },
            { first_name: 'AROHA', middle_names: 'MERE JANE', last_name: 'TE RANGI-WIREMU', role: 'Director', appointed: '2021-01-05', ceased: null },
          ],
          shareholders: [
            { holders: [{ name: 'SEAN PATRICK MCDONALD', type: 'Individual' }, { name: 'PIETER JAN VAN DER BERG', type: 'Individual' }], shares: 100 },
            { name: 'KOURA TRUSTEES LIMITED', type: 'Company', shares: 100 },
            { name: 'ANGUS MACDONALD', type: 'Individual', shares: 100 },
          ],
          total_shares: 300,
          nzbn_details: { emails: [], phones: ['+64 21 555 0199'], websites: ['www.kourakitchen.example.nz'], gst_numbers: [] },
        },
      ]),
    );
    sb = await createSandboxServer({ registryFile: file });
  });
  afterAll(async () => {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('re-cases capitals (McDonald, O’Brien, Van der Berg, MacDonald but Mack) and keeps the legal name verbatim', async () => {
    const d = await createRegistryClient(sandboxRegistrySettings(sb.url)).getCompany({ companyNumber: '2000001' });
    expect(d.directors.map((x) => [x.full_name, x.status])).toEqual([
      ['Sean Patrick McDonald', 'Current'],
      ['Pieter Jan Van der Berg', 'Current'],
      ['Angus MacDonald', 'Current'],
      ['Tom Mack', 'Current'],
      ['Aroha Mere Jane Te Rangi-Wiremu', 'Current'],
      ["Aoife O'Brien", 'Ceased'],
    ]);
    expect(d.directors[0]?.full_legal_name).toBe('SEAN PATRICK MCDONALD');
    expect(d.primary_contact).toEqual({ contact_name: 'Sean McDonald', full_legal_name: 'SEAN PATRICK MCDONALD' });
  });

  it('computes percentages of all shares, with a joint parcel shown on each of its holders', async () => {
    const d = await createRegistryClient(sandboxRegistrySettings(sb.url)).getCompany({ nzbn: '9429050000017' });
    expect(d.total_shares).toBe(300);
    expect(d.shareholders).toEqual([
      { name: 'Sean Patrick McDonald', type: 'Individual', percentage: '33.33%', shares: 100, allocation: 1, joint: true, joint_with: ['Pieter Jan Van der Berg'] },
      { name: 'Pieter Jan Van der Berg', type: 'Individual', percentage: '33.33%', shares: 100, allocation: 1, joint: true, joint_with: ['Sean Patrick McDonald'] },
      { name: 'KOURA TRUSTEES LIMITED', type: 'Company', percentage: '33.33%', shares: 100, allocation: 2, joint: false },
      { name: 'Angus MacDonald', type: 'Individual', percentage: '33.33%', shares: 100, allocation: 3, joint: false },
    ]);
    expect(d.nzbn_details).toMatchObject({ phone: '+64 21 555 0199', website: 'www.kourakitchen.example.nz', email: null });
    expect(d.trading_names).toEqual(['Kōura Kitchen']);
  });
});

describe('name casing rules', () => {
  it('leaves mixed-case names alone and handles hyphens, apostrophes and particles', () => {
    expect(titleCaseName('DeVries')).toBe('DeVries');
    expect(titleCaseName("D'ARCY-SMITH")).toBe("D'Arcy-Smith");
    expect(titleCaseName('DA SILVA', 0)).toBe('Da Silva');
    expect(personNames({ firstName: 'Aroha', middleNames: 'Mere Jane', lastName: 'TEST-WIREMU' })).toEqual({
      display: 'Aroha Test-Wiremu',
      full: 'Aroha Mere Jane Test-Wiremu',
      legal: 'Aroha Mere Jane TEST-WIREMU',
    });
    expect(formatPercentage(1, 3)).toBe('33.33%');
    expect(formatPercentage(60, 100)).toBe('60%');
    expect(formatPercentage(125, 1000)).toBe('12.5%');
  });
});
