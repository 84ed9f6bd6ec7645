// Read-model shapes the API returns, built from rows the user can see. Dates go out as ISO strings.
import type { RestaurantFacts } from '@regbatch/machines';
import { RestaurantFactsSchema } from '@regbatch/machines';

export function iso(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

export function num(value: string | number | bigint | null | undefined): number {
  return value === null || value === undefined ? 0 : Number(value);
}

/** The machine snapshot's state value flattened to leaf paths, e.g. ["step6.menuImport.running", ...]. */
export function statePaths(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix ? `${prefix}.${value}` : value];
  if (value && typeof value === 'object') {
    const out: string[] = [];
    for (const [k, v] of Object.entries(value)) out.push(...statePaths(v, prefix ? `${prefix}.${k}` : k));
    return out.length ? out : prefix ? [prefix] : [];
  }
  return prefix ? [prefix] : [];
}

/**
 * RestaurantFacts from a restaurants row: the schema's columns only. Stored facts can be messy; a column the schema
 * refuses (e.g. unreadable opening hours) is left out rather than failing the batch.
 */
export function restaurantFacts(row: Record<string, unknown>): RestaurantFacts {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(RestaurantFactsSchema.shape)) {
    if (row[key] !== undefined && row[key] !== null) picked[key] = row[key];
  }
  for (let round = 0; round < 5; round++) {
    const parsed = RestaurantFactsSchema.safeParse(picked);
    if (parsed.success) return parsed.data;
    const bad = new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '')));
    if (bad.has('id') || bad.has('name')) throw new Error(`restaurant ${String(row.id)} has no usable id/name`);
    for (const key of bad) delete picked[key];
  }
  return RestaurantFactsSchema.parse(picked);
}
