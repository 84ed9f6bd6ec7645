// Properties of matching that must hold for any input, checked with generated names, statuses and scores.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  confident,
  explainConfidence,
  normaliseCompanyName,
  scoreCandidates,
  type Candidate,
} from '../src/matching';

const MACRONS: Record<string, string> = {
  a: 'ā',
  e: 'ē',
  i: 'ī',
  o: 'ō',
  u: 'ū',
  A: 'Ā',
  E: 'Ē',
  I: 'Ī',
  O: 'Ō',
  U: 'Ū',
};

const word = fc.stringMatching(/^[A-Za-z]{2,9}$/);
const name = fc.array(word, { minLength: 1, maxLength: 4 }).map((ws) => ws.join(' '));

/** Puts macrons on some vowels, as a register name or a person might. */
function withMacrons(text: string, mask: number): string {
  let i = 0;
  return [...text].map((c) => (MACRONS[c] && (mask >> (i++ % 30)) & 1 ? MACRONS[c] : c)).join('');
}

describe('normalisation properties', () => {
  test('macrons (NFC or NFD), case, a legal suffix and "&" never change a normalised name', () => {
    fc.assert(
      fc.property(
        name,
        fc.integer({ min: 0, max: 2 ** 30 - 1 }),
        fc.constantFrom('', ' Ltd', ' LIMITED', ' Ltd.', ' (NZ) Limited'),
        (n, mask, suffix) => {
          const plain = normaliseCompanyName(n);
          const marked = withMacrons(n, mask);
          expect(normaliseCompanyName(marked.normalize('NFC') + suffix)).toBe(plain);
          expect(normaliseCompanyName(marked.normalize('NFD').toUpperCase() + suffix)).toBe(plain);
          expect(normaliseCompanyName(n.replace(/ /, ' & '))).toBe(
            normaliseCompanyName(n.replace(/ /, ' and ')),
          );
        },
      ),
    );
  });
});

const STATUSES = [
  'Registered',
  'Removed',
  'In Liquidation',
  'In Receivership',
  'Inactive',
  '50',
  '80',
  '60',
] as const;

const candidate = fc.record({
  company_name: fc.oneof(name, fc.constant('Kai Ōtāhuhu Limited')),
  company_number: fc.integer({ min: 1, max: 9999999 }).map(String),
  status: fc.constantFrom(...STATUSES),
  registered_address: fc.option(
    fc.constantFrom(
      '12 Great South Road, Ōtāhuhu, Auckland 1062',
      '1 Queen Street, Auckland Central, Auckland 1010',
      '9 Bank Street, Whangārei 0110',
    ),
    { nil: null },
  ),
  trading_names: fc.array(fc.oneof(name, fc.constant('Kai Otahuhu')), { maxLength: 2 }),
  removal_commenced: fc.boolean(),
});

const candidates = fc
  .uniqueArray(candidate, { selector: (c) => c.company_number, maxLength: 8 })
  .map((cs) =>
    cs.map((c): Candidate => ({ ...c, nzbn: null, incorporation_date: null, match_source: 'name' })),
  );

describe('scoring and confidence properties', () => {
  const restaurant = { name: 'Kai Otahuhu', address: '12 Great South Road, Otahuhu', city: 'Auckland' };

  test('scores lie in 0..100, are ordered, and equal their factors clamped', () => {
    fc.assert(
      fc.property(candidates, (cs) => {
        const scored = scoreCandidates(restaurant, cs);
        expect(scored).toHaveLength(cs.length);
        for (let i = 0; i < scored.length; i += 1) {
          const c = scored[i]!;
          expect(c.score).toBeGreaterThanOrEqual(0);
          expect(c.score).toBeLessThanOrEqual(100);
          expect(c.score).toBe(
            Math.max(
              0,
              Math.min(
                100,
                c.factors.reduce((s, f) => s + f.points, 0),
              ),
            ),
          );
          expect(c.evidence.length).toBe(c.factors.length);
          if (i > 0) expect(scored[i - 1]!.score).toBeGreaterThanOrEqual(c.score);
        }
      }),
    );
  });

  test('the confident choice is registered, clears the threshold and the margin, and has name evidence', () => {
    fc.assert(
      fc.property(candidates, (cs) => {
        const scored = scoreCandidates(restaurant, cs);
        const chosen = confident(scored);
        if (chosen === null) {
          expect(explainConfidence(scored).reason).not.toMatch(/^score /);
          return;
        }
        expect(chosen).toBe(scored[0]);
        expect(chosen.standing).toBe('registered');
        expect(chosen.score).toBeGreaterThanOrEqual(70);
        if (scored[1]) expect(chosen.score - scored[1].score).toBeGreaterThanOrEqual(15);
        expect(
          chosen.factors.some(
            (f) => ['name', 'trading_name', 'previous_name'].includes(f.factor) && f.points >= 40,
          ),
        ).toBe(true);
      }),
    );
  });

  test('the answer does not depend on the order the searches returned candidates in', () => {
    fc.assert(
      fc.property(candidates, (cs) => {
        const forward = confident(scoreCandidates(restaurant, cs))?.company_number ?? null;
        const backward = confident(scoreCandidates(restaurant, [...cs].reverse()))?.company_number ?? null;
        expect(backward).toBe(forward);
      }),
    );
  });
});
