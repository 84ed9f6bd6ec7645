// Scores registry candidates against a restaurant on name, trading names, address and status. Every point comes
// with the sentence that justifies it, so the person choosing in step 3 sees why a company ranks where it does.
import type { RestaurantFacts } from '../restaurant';
import { coreWords, foldText, localityWords, normaliseCompanyName, parseAddress, words } from './normalise';
import { searchableName } from './queries';
import type { Candidate, CompanyStanding, ScoreFactor, ScoreFactorKind, ScoredCandidate } from './types';

/** Points per kind of evidence. Name evidence dominates; address confirms; status can veto. */
export const SCORE_POINTS = {
  nameExact: 60,
  nameCore: 50,
  previousExact: 40,
  previousCore: 30,
  /** Scaled by the share of distinctive words in common (Jaccard). */
  nameOverlapMax: 40,
  streetExact: 30,
  /** A street match at an address many candidates share (an accountant's office) says little. */
  streetExactShared: 8,
  sameStreet: 10,
  sameSuburb: 6,
  sameCity: 4,
  registered: 10,
  removing: -25,
  liquidation: -40,
  removed: -50,
  otherStatus: -30,
} as const;

/** A registered office shared by at least this many candidates counts as a shared (accountant's) address. */
export const SHARED_ADDRESS_MIN = 3;

type RestaurantForScoring = Pick<RestaurantFacts, 'name' | 'address' | 'city'>;

/** Where a company stands, from its status words or NZBN status code, removal date and liquidation facts. */
export function companyStanding(
  candidate: Pick<Candidate, 'status' | 'removed_on' | 'liquidation' | 'removal_commenced'>,
): CompanyStanding {
  const status = foldText(candidate.status ?? '').trim();
  const code = /^\d+$/.test(status) ? Number(status) : null;
  if (code !== null) {
    if (code === 50) return candidate.removal_commenced ? 'removing' : 'registered';
    if (code === 62 || code === 80 || code === 91) return 'removed';
    if (code >= 55 && code <= 79) return 'liquidation';
    return 'other';
  }
  if (/removed|struck|closed|deregistered/.test(status)) return 'removed';
  if (/liquidat|receiver|administration/.test(status) || candidate.liquidation) return 'liquidation';
  if (candidate.removed_on) return 'removed';
  if (/^registered$|^active$/.test(status)) return candidate.removal_commenced ? 'removing' : 'registered';
  return 'other';
}

interface NameView {
  normalised: string;
  core: string[];
}

/** Drops locality words (suburb, city) from the ends of a name: "Base Pizza Newmarket" → "base pizza". */
function withoutLocality(core: string[], locality: ReadonlySet<string>): string[] {
  let start = 0;
  let end = core.length;
  while (start < end && locality.has(core[start] as string)) start += 1;
  while (end > start && locality.has(core[end - 1] as string)) end -= 1;
  return start < end ? core.slice(start, end) : core;
}

function view(name: string, locality: ReadonlySet<string>): NameView {
  return { normalised: normaliseCompanyName(name), core: withoutLocality(coreWords(name), locality) };
}

function jaccard(a: readonly string[], b: readonly string[]): { ratio: number; shared: string[] } {
  const left = new Set(a);
  const right = new Set(b);
  const shared = [...left].filter((w) => right.has(w));
  const all = new Set([...left, ...right]).size;
  return { ratio: all === 0 ? 0 : shared.length / all, shared };
}

function ignoredWords(restaurantName: string, candidateName: string, r: NameView, c: NameView): string[] {
  const kept = new Set([...r.core, ...c.core]);
  const all = [
    ...normaliseCompanyName(restaurantName).split(' '),
    ...normaliseCompanyName(candidateName).split(' '),
  ];
  return [...new Set(all.filter((w) => w !== '' && !kept.has(w)))];
}

/** Folded word → how the given texts spell it (the first text that has it wins), for evidence people read. */
function spellings(...texts: Array<string | null | undefined>): (word: string) => string {
  const map = new Map<string, string>();
  for (const text of texts) {
    for (const token of (text ?? '').split(/[\s,()]+/)) {
      const folded = words(token);
      if (folded.length === 1 && !map.has(folded[0] as string))
        map.set(folded[0] as string, token.replace(/[.'’]+$/, ''));
    }
  }
  return (word) => map.get(word) ?? word;
}

function nameFactor(
  kind: ScoreFactorKind,
  label: string,
  names: readonly string[],
  restaurantName: string,
  restaurant: NameView,
  locality: ReadonlySet<string>,
): ScoreFactor | null {
  const previous = kind === 'previous_name';
  let best: ScoreFactor | null = null;
  const consider = (factor: ScoreFactor) => {
    if (!best || factor.points > best.points) best = factor;
  };
  for (const name of names) {
    if (!name || name.trim() === '') continue;
    const candidate = view(name, locality);
    const quoted = names.length > 1 || kind !== 'name' ? ` ("${name}")` : '';
    const spell = spellings(restaurantName, name);
    if (candidate.normalised !== '' && candidate.normalised === restaurant.normalised) {
      consider({
        factor: kind,
        points: previous ? SCORE_POINTS.previousExact : SCORE_POINTS.nameExact,
        evidence: `${label} equals restaurant name${quoted}`,
      });
    } else if (candidate.core.length > 0 && candidate.core.join(' ') === restaurant.core.join(' ')) {
      const ignored = ignoredWords(restaurantName, name, restaurant, candidate);
      consider({
        factor: kind,
        points: previous ? SCORE_POINTS.previousCore : SCORE_POINTS.nameCore,
        evidence: `${label} equals restaurant name apart from ${ignored.map((w) => `"${spell(w)}"`).join(', ') || 'punctuation'}${quoted}`,
      });
    } else {
      const { ratio, shared } = jaccard(candidate.core, restaurant.core);
      const points = Math.round(SCORE_POINTS.nameOverlapMax * ratio * (previous ? 0.5 : 1));
      if (points > 0) {
        consider({
          factor: kind,
          points,
          evidence: `${label} shares words with restaurant name (${shared.map(spell).join(', ')})${quoted}`,
        });
      }
    }
  }
  return best;
}

interface AddressKey {
  number: string | null;
  street: string;
}

function addressKey(address: string | null | undefined): AddressKey | null {
  const parsed = parseAddress(address);
  if (!parsed.street || parsed.street.name === '') return null;
  return { number: parsed.street.number, street: parsed.street.name };
}

function sameKey(a: AddressKey | null, b: AddressKey | null): boolean {
  return !!a && !!b && a.number !== null && a.number === b.number && a.street === b.street;
}

function addressFactor(
  restaurant: RestaurantForScoring,
  candidate: Candidate,
  sharedCount: number,
): ScoreFactor | null {
  if (!restaurant.address || restaurant.address.trim() === '') return null;
  const own = addressKey(restaurant.address);
  const ownStreet = parseAddress(restaurant.address).street;
  const ownLocality = new Set(localityWords(restaurant.address, null));
  const city = restaurant.city ? foldText(restaurant.city).trim() : '';
  const spell = spellings(restaurant.address, restaurant.city);
  const addresses: Array<{ text: string; label: string }> = [];
  if (candidate.registered_address)
    addresses.push({ text: candidate.registered_address, label: 'registered office' });
  for (const other of candidate.addresses ?? [])
    addresses.push({ text: other, label: 'an address on the register' });
  if (addresses.length === 0) return { factor: 'address', points: 0, evidence: 'no address on the register' };

  let best: ScoreFactor | null = null;
  const consider = (factor: ScoreFactor) => {
    if (!best || factor.points > best.points) best = factor;
  };
  for (const { text, label } of addresses) {
    const theirs = addressKey(text);
    const theirLocality = localityWords(text, null);
    const street = ownStreet?.expanded ?? '';
    const streetName = ownStreet ? ownStreet.expanded.replace(/^\d+[a-z]?\s+/i, '') : '';
    if (sameKey(own, theirs)) {
      const shared = label === 'registered office' && sharedCount >= SHARED_ADDRESS_MIN;
      consider({
        factor: 'address',
        points: shared ? SCORE_POINTS.streetExactShared : SCORE_POINTS.streetExact,
        evidence: shared
          ? `${label} matches street, but ${sharedCount} candidates share it (likely an accountant's address)`
          : `${label} matches street (${street})`,
      });
    } else if (own && theirs && own.street === theirs.street) {
      consider({
        factor: 'address',
        points: SCORE_POINTS.sameStreet,
        evidence: `${label} is on the same street (${streetName}) at another number`,
      });
    } else {
      const suburb = [...ownLocality].filter(
        (w) => w !== city && theirLocality.includes(w) && !city.split(' ').includes(w),
      );
      if (suburb.length > 0) {
        consider({
          factor: 'address',
          points: SCORE_POINTS.sameSuburb,
          evidence: `${label} in the same suburb (${suburb.map(spell).join(' ')})`,
        });
      } else if (city !== '' && city.split(' ').every((w) => theirLocality.includes(w))) {
        consider({
          factor: 'address',
          points: SCORE_POINTS.sameCity,
          evidence: `${label} in the same city (${restaurant.city?.trim()})`,
        });
      } else {
        consider({ factor: 'address', points: 0, evidence: `${label} elsewhere (${text})` });
      }
    }
  }
  return best;
}

function year(date: string | null | undefined): string | null {
  const match = date ? /\b(\d{4})\b/.exec(date) : null;
  return match ? (match[1] as string) : null;
}

function statusFactor(candidate: Candidate, standing: CompanyStanding): ScoreFactor {
  switch (standing) {
    case 'registered':
      return { factor: 'status', points: SCORE_POINTS.registered, evidence: 'registered' };
    case 'removing':
      return {
        factor: 'status',
        points: SCORE_POINTS.removing,
        evidence: 'registered, but removal from the register has begun',
      };
    case 'liquidation': {
      const words = foldText(candidate.status).match(/liquidat|receiver|administration/)?.[0];
      const what =
        words === 'receiver'
          ? 'in receivership'
          : words === 'administration'
            ? 'in administration'
            : 'in liquidation';
      const since = year(candidate.liquidation?.started_on);
      return {
        factor: 'status',
        points: SCORE_POINTS.liquidation,
        evidence: since ? `${what} since ${since}` : what,
      };
    }
    case 'removed': {
      const when = year(candidate.removed_on);
      return {
        factor: 'status',
        points: SCORE_POINTS.removed,
        evidence: when ? `removed ${when}` : 'removed',
      };
    }
    default:
      return { factor: 'status', points: SCORE_POINTS.otherStatus, evidence: `status "${candidate.status}"` };
  }
}

/** Points of the name, trading-name and previous-name factors (the strongest of them). */
export function namePoints(scored: Pick<ScoredCandidate, 'factors'>): number {
  return Math.max(
    0,
    ...scored.factors
      .filter((f) => f.factor === 'name' || f.factor === 'trading_name' || f.factor === 'previous_name')
      .map((f) => f.points),
  );
}

/**
 * Scores every candidate and returns them best first (ties: registered first, then by company number).
 * The score is the sum of the strongest name-type factor, the address factor and the status factor, within 0..100.
 */
export function scoreCandidates(
  restaurant: RestaurantForScoring,
  candidates: readonly Candidate[],
): ScoredCandidate[] {
  const restaurantName = searchableName(restaurant.name);
  const locality = new Set(localityWords(restaurant.address, restaurant.city));
  const restaurantView = view(restaurantName, locality);

  const shared = new Map<string, number>();
  for (const candidate of candidates) {
    const k = addressKey(candidate.registered_address);
    if (k?.number) shared.set(`${k.number} ${k.street}`, (shared.get(`${k.number} ${k.street}`) ?? 0) + 1);
  }

  const scored = candidates.map((candidate): ScoredCandidate => {
    const standing = companyStanding(candidate);
    const nameFactors = [
      nameFactor('name', 'legal name', [candidate.company_name], restaurantName, restaurantView, locality),
      nameFactor(
        'trading_name',
        'trading name',
        candidate.trading_names ?? [],
        restaurantName,
        restaurantView,
        locality,
      ),
      nameFactor(
        'previous_name',
        'previous name',
        candidate.previous_names ?? [],
        restaurantName,
        restaurantView,
        locality,
      ),
    ].filter((f): f is ScoreFactor => f !== null);
    const bestName = nameFactors.reduce<ScoreFactor | null>(
      (best, f) => (!best || f.points > best.points ? f : best),
      null,
    );
    const k = addressKey(candidate.registered_address);
    const address = addressFactor(
      restaurant,
      candidate,
      k?.number ? (shared.get(`${k.number} ${k.street}`) ?? 0) : 0,
    );
    const factors: ScoreFactor[] = [
      bestName ?? { factor: 'name', points: 0, evidence: 'name unlike restaurant name' },
      ...(address ? [address] : []),
      statusFactor(candidate, standing),
    ];
    const total = factors.reduce((sum, f) => sum + f.points, 0);
    const ordered = [...factors].sort((a, b) => Math.abs(b.points) - Math.abs(a.points));
    return {
      ...candidate,
      score: Math.max(0, Math.min(100, total)),
      standing,
      factors: ordered,
      evidence: ordered.map((f) => f.evidence),
    };
  });

  return scored.sort(
    (a, b) =>
      b.score - a.score ||
      Number(b.standing === 'registered') - Number(a.standing === 'registered') ||
      // Code-unit order, not localeCompare: the machines must order alike in every runtime, so replays match.
      (a.company_number < b.company_number ? -1 : a.company_number > b.company_number ? 1 : 0),
  );
}
