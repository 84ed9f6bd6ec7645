// Lenient readers for register JSON: sources disagree on field names, nesting, number-vs-string ids and
// date formats (reference §1.5, §5.24), so every field is read defensively.

export type Json = Record<string, unknown>;

export function obj(v: unknown): Json | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;
}

/** An array at `v`, or inside a wrapper ({items}, {list}, {roles}, {addressList}...). */
export function arr(v: unknown, ...wrappers: string[]): unknown[] {
  if (Array.isArray(v)) return v;
  const o = obj(v);
  if (!o) return [];
  for (const w of wrappers) if (Array.isArray(o[w])) return o[w] as unknown[];
  return [];
}

export function str(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

export function pick(o: Json | null, ...keys: string[]): unknown {
  if (!o) return undefined;
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) return o[k];
  return undefined;
}

const MONTHS: Record<string, string> = {
  jan: '01', feb: '02', mar: '03', apr: '04', may: '05', jun: '06', jul: '07', aug: '08', sep: '09', oct: '10', nov: '11', dec: '12',
};

/**
 * A register date as YYYY-MM-DD, keeping the calendar day the register shows (the local NZ date, not the
 * UTC one): ISO with or without offset, "2006-07-06T00:00:00+1200", "01 Oct 2020", "15/07/2019".
 */
export function registerDate(v: unknown): string | null {
  const s = str(v);
  if (!s) return null;
  let m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (m) return `${m[1]}-${m[2]}-${m[3]}`;
  m = /^(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{4})$/.exec(s);
  if (m && MONTHS[(m[2] ?? '').toLowerCase()]) return `${m[3]}-${MONTHS[(m[2] ?? '').toLowerCase()]}-${(m[1] ?? '').padStart(2, '0')}`;
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  if (m) return `${m[3]}-${(m[2] ?? '').padStart(2, '0')}-${(m[1] ?? '').padStart(2, '0')}`;
  return null;
}

/** address1..address4 + postCode joined as the register displays it. */
export function joinAddress(a: Json | null): string | null {
  if (!a) return null;
  const lines = ['address1', 'address2', 'address3', 'address4', 'line1', 'line2', 'line3', 'line4']
    .map((k) => str(a[k]))
    .filter((x): x is string => x !== null);
  const post = str(pick(a, 'postCode', 'postcode'));
  if (lines.length === 0) return str(pick(a, 'fullAddress', 'address'));
  const last = lines.pop() ?? '';
  return [...lines, post ? `${last} ${post}` : last].join(', ');
}
