// Company matching on hand-made candidate lists: one test per trap of real NZ register data (shared/README.md).
import { describe, expect, test } from 'vitest';
import {
  DEFAULT_CONFIDENCE_POLICY,
  buildSearchQueries,
  cleanRestaurantName,
  companyStanding,
  confident,
  explainConfidence,
  extractStreet,
  foldText,
  mergeSearchResults,
  normaliseCompanyName,
  scoreCandidates,
  type Candidate,
  type RegistryCompany,
  type ScoredCandidate,
} from '../src/matching';

function company(name: string, number: string, extra: Partial<Candidate> = {}): Candidate {
  return {
    company_name: name,
    company_number: number,
    nzbn: `94290400${number.padStart(5, '0')}`,
    status: 'Registered',
    incorporation_date: '2016-04-12',
    registered_address: null,
    match_source: 'name',
    ...extra,
  };
}

function byNumber(scored: ScoredCandidate[], number: string): ScoredCandidate {
  const found = scored.find((c) => c.company_number === number);
  if (!found) throw new Error(`candidate ${number} not scored`);
  return found;
}

const NFC = 'ŌTĀHUHU KEBAB HOUSE LIMITED';
const NFD = NFC.normalize('NFD');

describe('normalisation', () => {
  test('macrons in NFC, NFD and typed without fold alike', () => {
    expect(NFD).not.toBe(NFC);
    expect(foldText(NFC)).toBe('otahuhu kebab house limited');
    expect(foldText(NFD)).toBe(foldText(NFC));
    expect(normaliseCompanyName('Otahuhu Kebab House')).toBe(normaliseCompanyName(NFD));
    expect(normaliseCompanyName('Ōtāhuhu Kebab House'.normalize('NFD'))).toBe('otahuhu kebab house');
  });

  test.each([
    ['The Kōwhai Kitchen & Bar Ltd.', 'KOWHAI KITCHEN AND BAR LIMITED'],
    ["MUM'S DUMPLINGS LIMITED", 'Mums Dumplings'],
    ['Spice Route (NZ) Ltd', 'SPICE ROUTE LIMITED'],
    ['GONE BURGER (2021) LIMITED', 'Gone Burger'],
    ["Smokey T's B.B.Q.", "SMOKEY T'S BBQ LIMITED"],
    ['Himalaya Momo & Curry', 'HIMALAYA MOMO AND CURRY LIMITED'],
    ['KAI TAPUI (LIMITED)', 'Kai'],
  ])('%s and %s normalise alike', (a, b) => {
    expect(normaliseCompanyName(a)).toBe(normaliseCompanyName(b));
  });

  test('a year that is part of the words, and distinct names, stay apart', () => {
    expect(normaliseCompanyName('SINGH & KAUR HOSPITALITY 2019 LIMITED')).toBe(
      'singh and kaur hospitality 2019',
    );
    expect(normaliseCompanyName('Cheap as Chips')).not.toBe(
      normaliseCompanyName('CHIPS AHOY PAPAKURA LIMITED'),
    );
  });

  test('delivery-platform decorations are cleaned from restaurant names', () => {
    expect(cleanRestaurantName('Texas Chook (Henderson)')).toBe('Texas Chook');
    expect(cleanRestaurantName('Sushi Go - Queen St')).toBe('Sushi Go');
    expect(cleanRestaurantName('Pizza (Mission Bay) (Late Night)')).toBe('Pizza');
  });
});

describe('search queries', () => {
  test('strips the bracketed branch name, takes the street up to its type word and keeps the city', () => {
    const queries = buildSearchQueries({
      name: 'Mission Bay Pizza Palace Ltd (Mission Bay)',
      address: '123 Tamaki Drive, Mission Bay, Auckland 1071',
      city: 'Auckland',
    });
    expect(queries).toEqual({
      restaurant_name: 'Mission Bay Pizza Palace',
      street: '123 Tamaki Drive',
      city: 'Auckland',
      original_values: {
        restaurant_name: 'Mission Bay Pizza Palace Ltd (Mission Bay)',
        street: '123 Tamaki Drive',
        city: 'Auckland',
      },
    });
  });

  test('the seed example: "Pizza Palace Ltd" at "123 Main St" searches "Pizza Palace" at "123 Main Street"', () => {
    const queries = buildSearchQueries({
      name: 'Pizza Palace Ltd',
      address: '123 Main St',
      city: 'Auckland',
    });
    expect(queries.restaurant_name).toBe('Pizza Palace');
    expect(queries.street).toBe('123 Main Street');
    expect(queries.original_values).toEqual({
      restaurant_name: 'Pizza Palace Ltd',
      street: '123 Main St',
      city: 'Auckland',
    });
  });

  test.each([
    ['12 Great North Road, Grey Lynn', '12 Great North Road'],
    ['Shop 3, 45 Queen St, Auckland Central', '45 Queen Street'],
    ['Level 2, 150 Karangahape Road, Auckland Central, Auckland 1010', '150 Karangahape Road'],
    ['3/45A Dominion Rd, Mount Eden', '45A Dominion Road'],
    ['14 Tui Street, Saint Albans', '14 Tui Street'],
    ['5 St Albans Ave, Merivale', '5 St Albans Avenue'],
    ['10 Grove Road, Addington', '10 Grove Road'],
    ['2 Marine Parade, Napier South', '2 Marine Parade'],
    ['277 Broadway, Newmarket', '277 Broadway'],
    ['30 Courtenay Place, Te Aro', '30 Courtenay Place'],
  ])('street of %s is %s', (address, street) => {
    expect(extractStreet(address)?.expanded).toBe(street);
  });

  test('without a city the last part of the address that is not a postcode is used', () => {
    const queries = buildSearchQueries({
      name: 'Noi Thai',
      address: '45 Riccarton Road, Riccarton, Christchurch 8011',
      city: null,
    });
    expect(queries.city).toBe('Christchurch');
    expect(queries.original_values.city).toBe('');
  });
});

describe('merging the two searches', () => {
  const a: RegistryCompany = { ...company('A LIMITED', '1'), trading_names: ['A Cafe'] };
  const b: RegistryCompany = company('B LIMITED', '2');
  const c: RegistryCompany = company('C LIMITED', '3');

  test('deduplicates by company number and remembers which search found each', () => {
    const merged = mergeSearchResults([a, b, { ...a }], [{ ...a, trading_names: ['A Bar'] }, c]);
    expect(merged.map((m) => [m.company_number, m.match_source])).toEqual([
      ['1', 'both'],
      ['2', 'name'],
      ['3', 'address'],
    ]);
    expect(merged[0]?.trading_names).toEqual(['A Cafe', 'A Bar']);
  });

  test('fills what the name search lacked from the address search', () => {
    const merged = mergeSearchResults(
      [{ ...a, registered_address: null, nzbn: null }],
      [{ ...a, registered_address: '1 Queen Street, Auckland', nzbn: '9429000000001' }],
    );
    expect(merged[0]).toMatchObject({
      registered_address: '1 Queen Street, Auckland',
      nzbn: '9429000000001',
      match_source: 'both',
    });
  });

  test('leading zeros do not make two numbers of one company', () => {
    expect(
      mergeSearchResults([company('A LIMITED', '0012345')], [company('A LIMITED', '12345')]),
    ).toHaveLength(1);
  });
});

describe('traps of real register data', () => {
  test('a trading name on the register identifies the legal entity behind a restaurant', () => {
    const restaurant = {
      name: 'Harbour Curry Garden',
      address: '88 Jervois Road, Herne Bay',
      city: 'Auckland',
    };
    const scored = scoreCandidates(restaurant, [
      company('SINGH & KAUR HOSPITALITY 2019 LIMITED', '1003466', {
        trading_names: ['Harbour Curry Garden'],
        registered_address: '88 Jervois Road, Herne Bay, Auckland 1011',
        match_source: 'both',
      }),
      company('HARBOUR VIEW PROPERTY LIMITED', '2000001', {
        registered_address: '1 Queen Street, Auckland Central, Auckland 1010',
      }),
      company('CURRY GARDEN HOLDINGS LIMITED', '2000002', {
        registered_address: '9 Hurstmere Road, Takapuna, Auckland 0622',
      }),
    ]);
    const top = scored[0] as ScoredCandidate;
    expect(top.company_number).toBe('1003466');
    expect(top.evidence).toContain('trading name equals restaurant name ("Harbour Curry Garden")');
    expect(top.evidence).toContain('registered office matches street (88 Jervois Road)');
    expect(top.evidence).toContain('registered');
    expect(confident(scored)?.company_number).toBe('1003466');
  });

  test.each([
    ['NFC', 'Ōtāhuhu Kebab House', '201 Great South Road, Ōtāhuhu'],
    ['NFD', 'Ōtāhuhu Kebab House'.normalize('NFD'), '201 Great South Road, Ōtāhuhu'.normalize('NFD')],
    ['without macrons', 'Otahuhu Kebab House', '201 Great South Road, Otahuhu'],
  ])('macrons %s: the restaurant matches the register name and address exactly', (_form, name, address) => {
    for (const registerName of [NFC, NFD, 'OTAHUHU KEBAB HOUSE LIMITED']) {
      const scored = scoreCandidates({ name, address, city: 'Auckland' }, [
        company(registerName, '1005199', {
          registered_address: '201 Great South Road, Ōtāhuhu, Auckland 1062',
        }),
        company('KEBAB KING LIMITED', '2000003', {
          registered_address: '5 Station Road, Ōtāhuhu, Auckland 1062',
        }),
      ]);
      const top = scored[0] as ScoredCandidate;
      expect(top.company_number).toBe('1005199');
      expect(top.score).toBe(100);
      expect(top.evidence).toContain('legal name equals restaurant name');
      expect(top.evidence).toContain('registered office matches street (201 Great South Road)');
      expect(byNumber(scored, '2000003').evidence).toContain(
        `registered office in the same suburb (${address.split(', ')[1]})`,
      );
      expect(confident(scored)?.company_number).toBe('1005199');
    }
  });

  test('a removed namesake loses to the registered successor, and alone is never confident', () => {
    const restaurant = { name: 'Gone Burger', address: '5 Cuba Street, Te Aro', city: 'Wellington' };
    const removed = company('GONE BURGER LIMITED', '1006932', {
      status: 'Removed',
      removed_on: '2019-03-14',
      registered_address: '5 Cuba Street, Te Aro, Wellington 6011',
      match_source: 'both',
    });
    const successor = company('GONE BURGER (2021) LIMITED', '1008665', {
      registered_address: '5 Cuba Street, Te Aro, Wellington 6011',
      match_source: 'both',
    });
    const scored = scoreCandidates(restaurant, [removed, successor]);
    expect(scored.map((c) => c.company_number)).toEqual(['1008665', '1006932']);
    const old = byNumber(scored, '1006932');
    expect(old.standing).toBe('removed');
    expect(old.evidence).toContain('removed 2019');
    expect(confident(scored)?.company_number).toBe('1008665');

    const alone = scoreCandidates(restaurant, [removed]);
    expect(confident(alone)).toBeNull();
    expect(explainConfidence(alone).reason).toBe('top candidate is not registered (removed)');
  });

  test("a shared accountant's address is weak evidence, so it never carries a company on its own", () => {
    const accountant = 'Level 2, 150 Karangahape Road, Auckland Central, Auckland 1010';
    const restaurant = {
      name: 'Tamaki Eats',
      address: '150 Karangahape Road, Auckland Central',
      city: 'Auckland',
    };
    const neighbours = [
      'TAMAKI TRADING LIMITED',
      'ROSE & THORN PROPERTY LIMITED',
      'KAIPARA HOLDINGS LIMITED',
      'BLUE WHARF CONSULTING LIMITED',
    ].map((name, i) =>
      company(name, `10138${i}`, { registered_address: accountant, match_source: 'address' }),
    );
    const scored = scoreCandidates(restaurant, neighbours);
    const rose = byNumber(scored, '101381');
    expect(rose.evidence).toContain(
      "registered office matches street, but 4 candidates share it (likely an accountant's address)",
    );
    expect(rose.score).toBe(18);
    expect(confident(scored)).toBeNull();

    // The restaurant's own company at the same office still wins on its name.
    const own = company('TAMAKI EATS LIMITED', '1099999', {
      registered_address: accountant,
      match_source: 'both',
    });
    const withOwn = scoreCandidates(restaurant, [...neighbours, own]);
    expect(confident(withOwn)?.company_number).toBe('1099999');
  });

  test("the franchisee registered at its accountant's address beats the franchisor", () => {
    const accountant = 'Level 2, 150 Karangahape Road, Auckland Central, Auckland 1010';
    const scored = scoreCandidates(
      { name: 'Minos Pizza Henderson', address: '310 Great North Road, Henderson', city: 'Auckland' },
      [
        company('MINOS PIZZA FRANCHISING LIMITED', '1010398', {
          registered_address: '1 Queen Street, Auckland Central, Auckland 1010',
        }),
        company('MINOS PIZZA HENDERSON LIMITED', '1012131', {
          registered_address: accountant,
          trading_names: ['Minos Pizza Henderson'],
        }),
        company('TAMAKI TRADING LIMITED', '1013864', {
          registered_address: accountant,
          match_source: 'address',
        }),
        company('KAIPARA HOLDINGS LIMITED', '1017330', {
          registered_address: accountant,
          match_source: 'address',
        }),
      ],
    );
    expect(scored[0]?.company_number).toBe('1012131');
    expect(byNumber(scored, '1010398').evidence).toContain(
      'legal name shares words with restaurant name (Minos, Pizza)',
    );
    expect(confident(scored)?.company_number).toBe('1012131');
  });

  test('a company in liquidation loses to the registered company trading under the name, and is never confident', () => {
    const restaurant = {
      name: 'Cheap as Chips Papakura',
      address: '22 Great South Road, Papakura',
      city: 'Auckland',
    };
    const liquidating = company('CHEAP AS CHIPS PAPAKURA LIMITED', '1029461', {
      status: 'In Liquidation',
      liquidation: { started_on: '2024-05-02' },
      registered_address: '22 Great South Road, Papakura, Auckland 2110',
      match_source: 'both',
    });
    const operator = company('CHIPS AHOY PAPAKURA LIMITED', '1031194', {
      trading_names: ['Cheap as Chips'],
      registered_address: '22 Great South Road, Papakura, Auckland 2110',
      match_source: 'both',
    });
    const scored = scoreCandidates(restaurant, [liquidating, operator]);
    expect(scored[0]?.company_number).toBe('1031194');
    expect(scored[0]?.evidence[0]).toBe(
      'trading name equals restaurant name apart from "Papakura" ("Cheap as Chips")',
    );
    expect(byNumber(scored, '1029461').evidence).toContain('in liquidation since 2024');
    expect(confident(scored)?.company_number).toBe('1031194');

    // Without the trading name and the shop address on the register, the liquidating namesake ranks first but is
    // not chosen.
    const { trading_names: _dropped, ...withoutTradingName } = operator;
    const hidden = scoreCandidates(restaurant, [
      liquidating,
      { ...withoutTradingName, registered_address: '1 Queen Street, Auckland Central, Auckland 1010' },
    ]);
    expect(hidden[0]?.company_number).toBe('1029461');
    expect(hidden[0]?.standing).toBe('liquidation');
    expect(confident(hidden)).toBeNull();
    // Only a policy that explicitly allows non-registered companies (and a low threshold) would take it.
    expect(confident(hidden, { registeredOnly: false, threshold: 40 })?.company_number).toBe('1029461');
  });

  test('two branches of one company: both rank it first; only the branch at its address is confident', () => {
    const baseNz = company('BASE PIZZA NZ LIMITED', '1034660', {
      registered_address: '63 Ponsonby Road, Ponsonby, Auckland 1011',
    });
    const noise = [
      company('MINOS PIZZA FRANCHISING LIMITED', '1010398', {
        registered_address: '1 Queen Street, Auckland Central, Auckland 1010',
      }),
      company('PŌNEKE PIZZA CO LIMITED', '1039859', {
        registered_address: '30 Courtenay Place, Te Aro, Wellington 8002',
      }),
    ];
    const ponsonby = scoreCandidates(
      { name: 'Base Pizza Ponsonby', address: '63 Ponsonby Road, Ponsonby', city: 'Auckland' },
      [...noise, { ...baseNz, match_source: 'both' }],
    );
    const newmarket = scoreCandidates(
      { name: 'Base Pizza Newmarket', address: '277 Broadway, Newmarket', city: 'Auckland' },
      [...noise, baseNz],
    );
    expect(ponsonby[0]?.company_number).toBe('1034660');
    expect(newmarket[0]?.company_number).toBe('1034660');
    expect(newmarket[0]?.evidence).toContain(
      'legal name equals restaurant name apart from "Newmarket", "NZ"',
    );
    expect(confident(ponsonby)?.company_number).toBe('1034660');
    expect(confident(newmarket)).toBeNull();
    expect(explainConfidence(newmarket).reason).toBe('top score 64 is below the threshold 70');
  });

  test('a sole trader with no company gets no confident candidate', () => {
    const restaurant = {
      name: 'Winner Winner Whangārei',
      address: '3 Bank Street, Whangārei Central',
      city: 'Whangārei',
    };
    expect(confident(scoreCandidates(restaurant, []))).toBeNull();
    const scored = scoreCandidates(restaurant, [
      company('KAURI KEBABS LIMITED', '1041592', {
        registered_address: '8 Kauri Street, Kensington, Whangārei 8003',
        match_source: 'address',
      }),
      company('WINNER TRADING LIMITED', '2000004', {
        registered_address: '9 Bank Street, Whangārei Central, Whangārei 0110',
        match_source: 'both',
      }),
      company('CHICKEN WINNER WHANGAREI LIMITED', '2000005', {
        status: 'Removed',
        removed_on: '2015-01-01',
        registered_address: null,
      }),
    ]);
    expect(byNumber(scored, '2000004').evidence).toContain(
      'registered office is on the same street (Bank Street) at another number',
    );
    expect(confident(scored)).toBeNull();
  });
});

describe('the confidence rule', () => {
  const restaurant = { name: 'Spice Route', address: '8 Dominion Road, Mount Eden', city: 'Auckland' };

  test('two registered namesakes too close together are left to a person', () => {
    const scored = scoreCandidates(restaurant, [
      company('SPICE ROUTE LIMITED', '1'),
      company('SPICE ROUTE (2023) LIMITED', '2'),
    ]);
    expect(scored[0]?.score).toBe(scored[1]?.score);
    expect(confident(scored)).toBeNull();
    expect(explainConfidence(scored).reason).toMatch(/beats the runner-up's \d+ by less than 15/);
  });

  test('an address alone never decides, whatever the threshold', () => {
    const scored = scoreCandidates(restaurant, [
      company('MT EDEN PROPERTY LIMITED', '3', {
        registered_address: '8 Dominion Road, Mount Eden, Auckland 1024',
      }),
    ]);
    expect(scored[0]?.score).toBe(40);
    expect(confident(scored, { threshold: 30 })).toBeNull();
    expect(explainConfidence(scored, { threshold: 30 }).reason).toBe(
      "top candidate's name evidence (0) is below 40",
    );
  });

  test('a company being removed does not win while a registered company fits, even when non-registered are allowed', () => {
    const scored = scoreCandidates(restaurant, [
      company('SPICE ROUTE LIMITED', '4', {
        removal_commenced: true,
        registered_address: '8 Dominion Road, Mount Eden, Auckland 1024',
      }),
      company('SPICE ROUTE HOLDINGS LIMITED', '5', {
        registered_address: '1 Queen Street, Auckland Central, Auckland 1010',
      }),
    ]);
    expect(scored[0]?.standing).toBe('removing');
    expect(scored[0]?.evidence).toContain('registered, but removal from the register has begun');
    const rule = { registeredOnly: false, threshold: 50, margin: 0 };
    expect(explainConfidence(scored, rule).reason).toBe(
      'top candidate is removing while registered SPICE ROUTE HOLDINGS LIMITED fits',
    );
    expect(confident(scored, rule)).toBeNull();
  });

  test('with non-registered companies allowed and no registered one fitting, a removed company may be chosen', () => {
    const scored = scoreCandidates(restaurant, [
      company('SPICE ROUTE LIMITED', '6', {
        status: 'Removed',
        registered_address: '8 Dominion Road, Mount Eden, Auckland 1024',
      }),
    ]);
    expect(confident(scored)).toBeNull();
    expect(confident(scored, { registeredOnly: false, threshold: 40 })?.company_number).toBe('6');
  });

  test('the default policy is strict and frozen', () => {
    expect(DEFAULT_CONFIDENCE_POLICY).toEqual({
      threshold: 70,
      margin: 15,
      minNamePoints: 40,
      registeredOnly: true,
    });
    expect(Object.isFrozen(DEFAULT_CONFIDENCE_POLICY)).toBe(true);
  });

  test.each([
    ['Registered', 'registered'],
    ['REGISTERED', 'registered'],
    ['50', 'registered'],
    ['In Liquidation', 'liquidation'],
    ['In Receivership', 'liquidation'],
    ['60', 'liquidation'],
    ['Removed', 'removed'],
    ['80', 'removed'],
    ['62', 'removed'],
    ['Inactive', 'other'],
  ] as const)('status %s stands as %s', (status, standing) => {
    expect(companyStanding({ status })).toBe(standing);
  });

  test('scores are ordered best first and explained strongest first', () => {
    const scored = scoreCandidates(restaurant, [
      company('UNRELATED LIMITED', '8'),
      company('SPICE ROUTE LIMITED', '7', {
        registered_address: '8 Dominion Road, Mount Eden, Auckland 1024',
      }),
    ]);
    expect(scored.map((c) => c.company_number)).toEqual(['7', '8']);
    expect(scored[0]?.evidence).toEqual([
      'legal name equals restaurant name',
      'registered office matches street (8 Dominion Road)',
      'registered',
    ]);
    expect(scored[1]?.evidence).toEqual([
      'registered',
      'name unlike restaurant name',
      'no address on the register',
    ]);
    for (const c of scored)
      expect(c.score).toBe(
        Math.max(
          0,
          Math.min(
            100,
            c.factors.reduce((s, f) => s + f.points, 0),
          ),
        ),
      );
  });
});
