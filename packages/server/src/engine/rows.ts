// SQL helpers for projected rows: which columns changed between two projections, and the statements writing them.
import { sql, type RawBuilder } from 'kysely';

const IDENT = /^[a-z_][a-z0-9_]*$/;

export function ident(name: string): RawBuilder<unknown> {
  if (!IDENT.test(name)) throw new Error(`not a column name: "${name}"`);
  return sql.ref(name);
}

/** A value as a query parameter: objects and arrays as JSON text (pg would turn JS arrays into SQL arrays). */
export function param(v: unknown): unknown {
  if (v === undefined) return null;
  if (v !== null && typeof v === 'object' && !(v instanceof Date) && !Buffer.isBuffer(v)) return JSON.stringify(v);
  return v;
}

/** Structural equality that ignores key order (jsonb does not keep it). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return (a ?? null) === (b ?? null);
  return stableJson(a) === stableJson(b);
}

export function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) => {
    if (val && typeof val === 'object' && !Array.isArray(val)) {
      const o = val as Record<string, unknown>;
      return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
    }
    return val;
  });
}

/** Columns of `next` whose values differ from `prev` (all of them when there is no `prev`). */
export function changedColumns(prev: Record<string, unknown> | null, next: Record<string, unknown>, skip: readonly string[] = []): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(next)) {
    if (skip.includes(k) || v === undefined) continue;
    if (!prev || !sameValue(prev[k], v)) out.push([k, v]);
  }
  return out;
}

export function setList(cols: readonly [string, unknown][]): RawBuilder<unknown>[] {
  return cols.map(([k, v]) => sql`${ident(k)} = ${param(v)}`);
}

/**
 * The job row's step_statuses column (each step's status in step order, a PostgreSQL array literal), which the
 * batch detail's per-step counters group by instead of reading every step row of the batch.
 */
export function stepStatuses(steps: readonly Record<string, unknown>[]): string {
  return `{${[...steps].sort((a, b) => Number(a['step_number']) - Number(b['step_number'])).map((s) => String(s['status'])).join(',')}}`;
}
