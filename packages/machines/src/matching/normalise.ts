// Text normalisation for matching restaurants to companies: macrons (NFC, NFD or typed without), case, `&`/`and`,
// punctuation, legal suffixes, filler words, and NZ street-address abbreviations.

/** Folds text for comparison: NFD, combining marks removed, lower case. "Ōtāhuhu" (NFC or NFD) and "Otahuhu" fold alike. */
export function foldText(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** Words the register adds or drops at will, and that say nothing about which business it is. */
export const FILLER_WORDS: ReadonlySet<string> = new Set([
  'the',
  'limited',
  'ltd',
  'nz',
  'holdings',
  'holding',
  'hospitality',
  'group',
  'enterprises',
  'enterprise',
  'trading',
  'co',
  'company',
  'tapui',
]);

const LEGAL_SUFFIX = /\s+(?:\(nz\)\s+)?(?:limited|ltd|tapui(?:\s+limited)?|incorporated|inc)$/;

/** Lower-case words of folded text, `&` read as "and", apostrophes dropped (MUM'S = MUMS), other punctuation a space. */
export function words(value: string): string[] {
  return (
    foldText(value)
      // Dotted initialisms read as one word: "B.B.Q." = "BBQ".
      .replace(/\b[a-z](?:\.[a-z])+\b\.?/g, (initials) => initials.replace(/\./g, ''))
      .replace(/&/g, ' and ')
      .replace(/['’‘`´]/g, '')
      .replace(/[^a-z0-9]+/g, ' ')
      .trim()
      .split(' ')
      .filter(Boolean)
  );
}

/**
 * Canonical form of a company or restaurant name: folded, `&` → "and", punctuation removed, a leading "The" and a
 * trailing legal suffix (Ltd, Limited, Ltd., (NZ) Ltd, Tapui (Limited)) dropped, and a bracketed year such as
 * "(2021)" dropped. "The Kōwhai Kitchen & Bar Ltd." and "KOWHAI KITCHEN AND BAR LIMITED" both give
 * "kowhai kitchen and bar".
 */
export function normaliseCompanyName(value: string): string {
  const withoutYear = foldText(value)
    .replace(/\(\s*(?:19|20)\d\d\s*\)/g, ' ')
    .replace(/\(\s*nz\s*\)\s*(?=(?:limited|ltd)\b)/g, ' ');
  let name = words(withoutYear).join(' ');
  for (let previous = ''; previous !== name;) {
    previous = name;
    name = name.replace(LEGAL_SUFFIX, '').replace(/^the\s+/, '');
  }
  return name;
}

/** The distinctive words of a name: normalised, with filler words and years removed. */
export function coreWords(value: string): string[] {
  return normaliseCompanyName(value)
    .split(' ')
    .filter((w) => w !== '' && !FILLER_WORDS.has(w) && !/^(?:19|20)\d\d$/.test(w));
}

/** Removes every "(…)" group and a trailing " - branch" from a restaurant's display name, as delivery platforms add them. */
export function cleanRestaurantName(value: string): string {
  let name = value;
  for (let previous = ''; previous !== name;) {
    previous = name;
    name = name.replace(/\([^()]*\)/g, ' ');
  }
  return name
    .replace(/\s+[-–—|]\s+.*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Street types, as the original's street extraction listed them, and their common abbreviations. */
export const STREET_TYPES: Readonly<Record<string, string>> = {
  street: 'street',
  st: 'street',
  road: 'road',
  rd: 'road',
  avenue: 'avenue',
  ave: 'avenue',
  av: 'avenue',
  lane: 'lane',
  ln: 'lane',
  place: 'place',
  pl: 'place',
  way: 'way',
  crescent: 'crescent',
  cres: 'crescent',
  cr: 'crescent',
  drive: 'drive',
  dr: 'drive',
  terrace: 'terrace',
  tce: 'terrace',
  terr: 'terrace',
  boulevard: 'boulevard',
  blvd: 'boulevard',
  court: 'court',
  ct: 'court',
  close: 'close',
  parade: 'parade',
  pde: 'parade',
  highway: 'highway',
  hwy: 'highway',
  grove: 'grove',
  gr: 'grove',
  rise: 'rise',
  mews: 'mews',
  quay: 'quay',
  esplanade: 'esplanade',
  esp: 'esplanade',
  square: 'square',
  sq: 'square',
  walk: 'walk',
  path: 'path',
  row: 'row',
};

/** Title-case spelling of each street type, for queries. */
const STREET_TYPE_DISPLAY: Readonly<Record<string, string>> = Object.fromEntries(
  Object.values(STREET_TYPES).map((t) => [t, t.charAt(0).toUpperCase() + t.slice(1)]),
);

const UNIT_PREFIX = /^(?:(?:shop|unit|level|lvl|suite|flat|apartment|apt|floor|kiosk)\s+[\w-]+\s*,?\s*)+/i;

export interface StreetPart {
  /** The street as typed ("123 Main St"), unit prefixes removed. */
  raw: string;
  /** The street with its type spelt out ("123 Main Street"). */
  expanded: string;
  /** Folded house number ("45a"), or null. */
  number: string | null;
  /** Folded street name with the type spelt out ("great north road"). */
  name: string;
}

/**
 * The street of an address, taken as the original did: the text up to the earliest street-type word (Street, Road,
 * …, or its abbreviation after a name word); without one, the first three words of the first comma segment.
 * Unit prefixes ("Shop 3,", "Level 2,", "3/45" → "45") are dropped.
 */
export function extractStreet(address: string): StreetPart | null {
  const text = address
    .replace(/\s+/g, ' ')
    .trim()
    .replace(UNIT_PREFIX, '')
    .replace(/^(\d+[a-z]?)\s*\/\s*(?=\d)/i, '');
  if (text === '') return null;
  const tokens = text.split(' ');
  let end = -1;
  for (let i = 0; i < tokens.length; i += 1) {
    const word = foldText(tokens[i] as string).replace(/[^a-z]/g, '');
    const type = STREET_TYPES[word];
    if (!type) continue;
    // An abbreviation counts only after a name word: "St Albans" is a place, "Tui St" a street.
    const previous = i > 0 ? (tokens[i - 1] as string) : '';
    const afterName = i > 0 && /\p{L}/u.test(previous) && !previous.endsWith(',');
    if (word === type ? i > 0 : afterName) {
      end = i;
      // "10 Grove Road": a type word directly followed by another one is part of the name.
      while (
        end + 1 < tokens.length &&
        !(tokens[end] as string).endsWith(',') &&
        STREET_TYPES[foldText(tokens[end + 1] as string).replace(/[^a-z]/g, '')] ===
          foldText(tokens[end + 1] as string).replace(/[^a-z]/g, '')
      ) {
        end += 1;
      }
      break;
    }
  }
  const chosen =
    end >= 0 ? tokens.slice(0, end + 1) : (text.split(',')[0] as string).trim().split(' ').slice(0, 3);
  const raw = chosen.join(' ').replace(/[,.]+$/, '');
  const expandedTokens = chosen.map((t, i) => {
    if (i !== end) return t.replace(/,$/, '');
    const type = STREET_TYPES[foldText(t).replace(/[^a-z]/g, '')] as string;
    return STREET_TYPE_DISPLAY[type] as string;
  });
  const expanded = expandedTokens.join(' ').replace(/[,.]+$/, '');
  const folded = words(expanded);
  const hasNumber = folded.length > 1 && /^\d+[a-z]?$/.test(folded[0] as string);
  return {
    raw,
    expanded,
    number: hasNumber ? (folded[0] as string) : null,
    name: (hasNumber ? folded.slice(1) : folded).map((w) => expandPlaceWord(w)).join(' '),
  };
}

/** "mt" → "mount", "st" → "saint" (street types are already spelt out by then), "sh" → "state highway". */
function expandPlaceWord(word: string): string {
  if (word === 'mt') return 'mount';
  if (word === 'st') return 'saint';
  if (word === 'pt') return 'point';
  if (word === 'sh') return 'state highway';
  return word;
}

/** Folded locality words of an address: everything after the street, and the city; postcodes dropped. */
export function localityWords(address: string | null | undefined, city: string | null | undefined): string[] {
  const out = new Set<string>();
  if (address) {
    const segments = address.split(',').slice(1);
    for (const segment of segments)
      for (const w of words(segment)) if (!/^\d+$/.test(w)) out.add(expandPlaceWord(w));
  }
  if (city) for (const w of words(city)) out.add(expandPlaceWord(w));
  return [...out];
}

export interface ParsedAddress {
  street: StreetPart | null;
  /** Folded words after the street (suburb, city), postcodes dropped. */
  locality: string[];
}

export function parseAddress(address: string | null | undefined): ParsedAddress {
  if (!address || address.trim() === '') return { street: null, locality: [] };
  return { street: extractStreet(address), locality: localityWords(address, null) };
}
