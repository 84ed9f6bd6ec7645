// Merges the name search's and the address search's results into the seed's combined_results: one entry per
// company number, remembering which search found it.
import type { Candidate, MatchSource, RegistryCompany } from './types';

function key(company: RegistryCompany): string {
  return company.company_number.trim().replace(/^0+(?=\d)/, '');
}

function union(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (!a && !b) return undefined;
  return [...new Set([...(a ?? []), ...(b ?? [])])];
}

/** Fills what the first sighting of a company lacked from a later one (the searches return different detail). */
function combine(first: Candidate, later: RegistryCompany, source: MatchSource): Candidate {
  const merged: Candidate = { ...later, ...stripUndefined(first), match_source: source };
  for (const field of ['nzbn', 'incorporation_date', 'registered_address'] as const) {
    if (!first[field] && later[field]) merged[field] = later[field];
  }
  const tradingNames = union(first.trading_names, later.trading_names);
  if (tradingNames) merged.trading_names = tradingNames;
  const previousNames = union(first.previous_names, later.previous_names);
  if (previousNames) merged.previous_names = previousNames;
  const addresses = union(first.addresses, later.addresses);
  if (addresses) merged.addresses = addresses;
  return merged;
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Deduplicates by company number. Name results come first in their order, then companies only the address search
 * found; `match_source` is `both` when both searches returned the company.
 */
export function mergeSearchResults(
  nameResults: readonly RegistryCompany[],
  addressResults: readonly RegistryCompany[],
): Candidate[] {
  const byNumber = new Map<string, Candidate>();
  const add = (company: RegistryCompany, source: 'name' | 'address') => {
    const k = key(company);
    const seen = byNumber.get(k);
    if (!seen) {
      byNumber.set(k, { ...stripUndefined(company), match_source: source });
      return;
    }
    const both: MatchSource = seen.match_source === source ? source : 'both';
    byNumber.set(k, combine(seen, company, both));
  };
  for (const company of nameResults) add(company, 'name');
  for (const company of addressResults) add(company, 'address');
  return [...byNumber.values()];
}
