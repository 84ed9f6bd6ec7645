// Company matching end to end: the registry clients' searches over real HTTP against the sandbox, then the
// machines' merge, scoring and confidence rule, measured against fixtures/registry-expected-matches.json for the
// 25 fixture leads and for generated variants of them (macrons, Ltd, "and", branch names).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSearchQueries, confident, mergeSearchResults, scoreCandidates, type Candidate, type CompanyDetails as MachinesCompanyDetails } from '@regbatch/machines';
import { createSandboxServer, type SandboxServer } from '../src/sandbox/server';
import { createRegistryClient, sandboxRegistrySettings } from '../src/registry/registryClient';
import type { RegistryClient } from '../src/registry/types';
import type { CompanyDetails } from '../src/company/details';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures');
const leads = (parse(readFileSync(join(fixtures, 'leads.csv')), { columns: true, bom: true }) as Record<string, string>[]).map((r) => ({
  name: r['name'] ?? '',
  address: r['address'] ?? '',
  city: r['city'] ?? '',
}));
const expected = JSON.parse(readFileSync(join(fixtures, 'registry-expected-matches.json'), 'utf8')) as Record<string, string | null>;

interface Lead {
  name: string;
  address: string;
  city: string;
}

interface Outcome {
  lead: string;
  expected: string | null;
  top: string | null;
  confident: string | null;
}

let sb: SandboxServer;
let client: RegistryClient;
beforeAll(async () => {
  sb = await createSandboxServer();
  client = createRegistryClient(sandboxRegistrySettings(sb.url));
});
afterAll(async () => {
  await sb.close();
});

async function match(lead: Lead): Promise<Omit<Outcome, 'expected'>> {
  const restaurant = { name: lead.name, address: lead.address, city: lead.city };
  const q = buildSearchQueries(restaurant);
  const [byName, byAddress] = await Promise.all([
    client.searchByName(q.restaurant_name),
    client.searchByAddress({ street: q.street, city: q.city }),
  ]);
  const candidates: Candidate[] = mergeSearchResults(byName, byAddress);
  const scored = scoreCandidates(restaurant, candidates);
  return { lead: lead.name, top: scored[0]?.company_number ?? null, confident: confident(scored)?.company_number ?? null };
}

function figures(label: string, outcomes: Outcome[]) {
  const top1 = outcomes.filter((o) => o.top === o.expected).length;
  const conf = outcomes.filter((o) => o.confident !== null);
  const confRight = conf.filter((o) => o.confident === o.expected).length;
  const nullCases = outcomes.filter((o) => o.expected === null);
  console.log(
    `${label}: top-1 ${top1}/${outcomes.length} (${((100 * top1) / outcomes.length).toFixed(1)} %), ` +
      `confident ${conf.length}/${outcomes.length}, precision of confident ${confRight}/${conf.length}` +
      `${conf.length ? ` (${((100 * confRight) / conf.length).toFixed(1)} %)` : ''}, ` +
      `null answers ${nullCases.length} (confident on them: ${nullCases.filter((o) => o.confident !== null).length})`,
  );
  const misses = outcomes.filter((o) => o.top !== o.expected);
  if (misses.length) console.log(`  top-1 misses: ${misses.map((o) => `${o.lead} -> ${o.top} (expected ${o.expected})`).join('; ')}`);
  return { top1, conf, confRight };
}

async function run(label: string, ls: { lead: Lead; key: string }[]) {
  const outcomes: Outcome[] = [];
  for (const { lead, key } of ls) outcomes.push({ ...(await match(lead)), expected: expected[key] ?? null });
  const f = figures(label, outcomes);
  // A confident selection is never wrong, and where the answer is "none" nothing is confident.
  for (const o of outcomes) if (o.confident !== null) expect(o.confident, o.lead).toBe(o.expected);
  return { ...f, n: outcomes.length };
}

// ---- variants ------------------------------------------------------------------------------------

const stripMarks = (s: string) => s.normalize('NFD').replace(/\p{M}+/gu, '').normalize('NFC');
const variants: Record<string, (l: Lead) => Lead | null> = {
  'macrons removed': (l) => (stripMarks(l.name + l.address + l.city) === l.name + l.address + l.city ? null : { name: stripMarks(l.name), address: stripMarks(l.address), city: stripMarks(l.city) }),
  'macrons decomposed (NFD)': (l) => ({ name: l.name.normalize('NFD'), address: l.address.normalize('NFD'), city: l.city.normalize('NFD') }),
  'Ltd appended': (l) => ({ ...l, name: `${l.name} Ltd` }),
  '"and" for "&"': (l) => (l.name.includes('&') ? { ...l, name: l.name.replace(/&/g, 'and') } : null),
  'branch in brackets': (l) => {
    const suburb = l.address.split(',')[1]?.trim();
    return suburb && !l.name.includes(suburb) ? { ...l, name: `${l.name} (${suburb})` } : { ...l, name: `${l.name} (${l.city})` };
  },
};

describe('matching accuracy over HTTP', () => {
  it('the 25 fixture leads: top-1 >= 24/25, confident never wrong, none confident where the answer is null', async () => {
    expect(leads).toHaveLength(25);
    const r = await run('fixture leads', leads.map((lead) => ({ lead, key: lead.name })));
    expect(r.top1).toBeGreaterThanOrEqual(24);
    expect(r.confRight).toBe(r.conf.length);
  }, 60_000);

  for (const [label, make] of Object.entries(variants)) {
    it(`variants: ${label}`, async () => {
      const ls = leads.flatMap((lead) => {
        const v = make(lead);
        return v ? [{ lead: v, key: lead.name }] : [];
      });
      expect(ls.length).toBeGreaterThan(0);
      const r = await run(`variant "${label}" (${ls.length} leads)`, ls);
      expect(r.top1).toBeGreaterThanOrEqual(Math.ceil(r.n * 0.9));
      expect(r.confRight).toBe(r.conf.length);
    }, 60_000);
  }

  it('the details client fills the machines’ selected_company_data shape', async () => {
    const d: CompanyDetails = await client.getCompany({ companyNumber: '1001733' });
    const asSeed: MachinesCompanyDetails = d;
    expect(asSeed.directors?.map((x) => x.full_name)).toEqual(['Priya James Patel', 'Rajesh Kumar Walker']);
  });
});
