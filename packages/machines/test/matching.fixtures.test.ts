/// <reference types="node" />
// Runs the 25 fixture leads through query building, an in-memory stand-in for the two register searches over
// fixtures/registry.json, merging, scoring and the confidence rule, and measures the result against the careful
// person's choices in registry-expected-matches.json.
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import {
  buildSearchQueries,
  confident,
  explainConfidence,
  mergeSearchResults,
  scoreCandidates,
  type RegistryCompany,
  type SearchQueries,
} from '../src/matching';

const fixtures = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));

interface Lead {
  name: string;
  address: string;
  city: string;
}

interface RegistryEntry {
  company_number: string;
  nzbn: string | null;
  name: string;
  status: string;
  entity_type: string;
  incorporation_date: string | null;
  removed_on: string | null;
  registered_address: string | null;
  trading_names: string[];
}

/** The fixture files through the same RFC 4180 parser the importer uses. */
const readCsv = (text: string): Record<string, string>[] => parse(text, { columns: true, bom: true, skip_empty_lines: true });

const leads: Lead[] = readCsv(readFileSync(`${fixtures}leads.csv`, 'utf8')).map((r) => ({
  name: r.name ?? '',
  address: r.address ?? '',
  city: r.city ?? '',
}));
const registry = JSON.parse(readFileSync(`${fixtures}registry.json`, 'utf8')) as RegistryEntry[];
const expected = JSON.parse(readFileSync(`${fixtures}registry-expected-matches.json`, 'utf8')) as Record<
  string,
  string | null
>;

// The stand-in searches deliberately use none of the matching module's normalisation, so the module is measured
// against independent (and noisy) results: the register's search is loose word overlap, and we return every
// status, not only Registered.
function searchWords(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const STOP = new Set(['limited', 'ltd', 'the', 'and', 'co']);

function toCompany(entry: RegistryEntry): RegistryCompany {
  return {
    company_name: entry.name,
    company_number: entry.company_number,
    nzbn: entry.nzbn,
    status: entry.status,
    incorporation_date: entry.incorporation_date,
    registered_address: entry.registered_address,
    trading_names: entry.trading_names,
    entity_type: entry.entity_type,
    removed_on: entry.removed_on,
  };
}

function searchByName(q: string): RegistryCompany[] {
  const wanted = searchWords(q).filter((w) => w.length >= 3 && !STOP.has(w));
  return registry
    .filter((entry) => {
      const have = new Set([entry.name, ...entry.trading_names].flatMap(searchWords));
      return wanted.some((w) => have.has(w));
    })
    .map(toCompany);
}

/**
 * `street` mode: street words without the house number, plus the city (every company on that street in that city).
 * `city` mode, much noisier: every company registered in the city.
 */
function searchByAddress(street: string, city: string, mode: SearchMode): RegistryCompany[] {
  const streetWords = mode === 'street' ? searchWords(street).filter((w) => !/^\d/.test(w)) : [];
  const wanted = [...streetWords, ...searchWords(city)];
  if (wanted.length === 0) return [];
  return registry
    .filter((entry) => {
      const have = new Set(searchWords(entry.registered_address ?? ''));
      return wanted.every((w) => have.has(w));
    })
    .map(toCompany);
}

type SearchMode = 'street' | 'city';

interface Outcome {
  lead: Lead;
  queries: SearchQueries;
  expected: string | null;
  top: string | null;
  topScore: number | null;
  confident: string | null;
  candidates: number;
  reason: string;
}

function run(mode: SearchMode): Outcome[] {
  return leads.map((lead) => {
    const queries = buildSearchQueries(lead);
    const merged = mergeSearchResults(
      searchByName(queries.restaurant_name),
      searchByAddress(queries.street, queries.city, mode),
    );
    const scored = scoreCandidates(lead, merged);
    const verdict = explainConfidence(scored);
    return {
      lead,
      queries,
      expected: expected[lead.name] ?? null,
      top: scored[0]?.company_number ?? null,
      topScore: scored[0]?.score ?? null,
      confident: confident(scored)?.company_number ?? null,
      candidates: merged.length,
      reason: verdict.reason,
    };
  });
}

describe.each<SearchMode>(['street', 'city'])(
  'the 25 fixture leads against the fixture register (%s address search)',
  (mode) => {
    const outcomes = run(mode);

    test('every lead has an expected answer and finds candidates where a company exists', () => {
      expect(leads).toHaveLength(25);
      for (const o of outcomes) {
        expect(Object.keys(expected)).toContain(o.lead.name);
        if (o.expected !== null) expect(o.candidates, o.lead.name).toBeGreaterThan(0);
      }
    });

    test('top-1 accuracy is at least 24 of 25 and every confident choice is right', () => {
      // A lead with no company is answered correctly when nothing is confidently chosen.
      const correct = outcomes.filter((o) =>
        o.expected === null ? o.confident === null : o.top === o.expected,
      );
      const confidentOnes = outcomes.filter((o) => o.confident !== null);
      const confidentRight = confidentOnes.filter((o) => o.confident === o.expected);
      const lines = outcomes.map(
        (o) =>
          `${o.top === o.expected || (o.expected === null && o.confident === null) ? 'ok ' : 'BAD'} ${o.lead.name.padEnd(26)} ` +
          `expected ${String(o.expected).padEnd(8)} top ${String(o.top).padEnd(8)} (${String(o.topScore).padStart(3)}) ` +
          `confident ${String(o.confident).padEnd(8)} of ${o.candidates} candidates: ${o.reason}`,
      );
      console.log(
        [
          `address search by ${mode}:`,
          ...lines,
          `top-1 accuracy: ${correct.length}/${outcomes.length}`,
          `confident: ${confidentOnes.length}/${outcomes.length} leads, precision ${confidentRight.length}/${confidentOnes.length}`,
        ].join('\n'),
      );
      expect(correct.length).toBeGreaterThanOrEqual(24);
      expect(confidentRight.length).toBe(confidentOnes.length);
      // Most leads should not need a person: the rule is useful, not merely safe.
      expect(confidentOnes.length).toBeGreaterThanOrEqual(20);
    });

    test('a lead with no company (the sole trader) is never answered confidently', () => {
      const none = outcomes.filter((o) => o.expected === null);
      expect(none.length).toBeGreaterThan(0);
      for (const o of none) expect(o.confident, o.lead.name).toBeNull();
    });
  },
);
