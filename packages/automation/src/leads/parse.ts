// The pure part of the leads import: read a leads CSV (fixtures/leads.csv format), validate every row with the
// shared field schemas, report errors by line, deduplicate by normalised name + address, and resolve each
// lead's menu source (menu/option-set paths relative to the leads file, else its store page).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { emailSchema, hexColourSchema, nzPhoneSchema, parseOpeningHours, type OpeningHours } from '@regbatch/machines';
import type { z } from 'zod';
import { normaliseKey } from '../util/text';

export const LEAD_COLUMNS = [
  'name', 'address', 'city', 'phone', 'email', 'website_url', 'ubereats_url', 'cuisine', 'opening_hours',
  'primary_color', 'secondary_color', 'menu_csv', 'option_sets_csv',
] as const;
const REQUIRED_COLUMNS = ['name', 'address'] as const;

/** DESIGN §5: a menu CSV (+ optional option sets) as the leads file names them, or a store page read in a browser. */
export type MenuSource =
  | { kind: 'csv'; menu_csv: string; option_sets_csv: string | null }
  | { kind: 'store_page'; url: string };

export interface ParsedLead {
  /** Line in the file where the row starts (header = line 1). */
  line: number;
  name: string;
  address: string;
  city: string | null;
  phone: string | null;
  email: string | null;
  website_url: string | null;
  ubereats_url: string | null;
  cuisine: string[];
  opening_hours: OpeningHours | null;
  opening_hours_text: string | null;
  primary_color: string | null;
  secondary_color: string | null;
  menu_source: MenuSource | null;
}

export interface LeadIssue {
  line: number;
  field: string;
  value: string;
  message: string;
}

export interface LeadsParseResult {
  leads: ParsedLead[];
  errors: LeadIssue[];
  duplicates: { line: number; duplicateOfLine: number; name: string }[];
}

export class LeadsFileError extends Error {
  readonly code = 'LEADS_INVALID';
  readonly retryable = false;
  constructor(readonly issues: LeadIssue[]) {
    super(
      `${issues.length} invalid field${issues.length === 1 ? '' : 's'} in the leads file:\n` +
        issues.map((i) => `  line ${i.line}: ${i.field} ${JSON.stringify(i.value)}: ${i.message}`).join('\n'),
    );
  }
}

export interface ParseLeadsOptions {
  /** Directory the menu / option-set paths are relative to (the leads file's directory). */
  baseDir: string;
  /** Check that referenced files exist (default true). */
  checkFiles?: boolean;
}

interface Rec {
  record: Record<string, string>;
  info: { lines: number };
}

function zodMessage(err: z.ZodError): string {
  return err.issues[0]?.message ?? 'invalid';
}

function httpUrl(v: string): string | null {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

export function dedupeKey(name: string, address: string): string {
  return `${normaliseKey(name)}|${normaliseKey(address)}`;
}

export function parseLeadsCsv(input: string | Buffer, options: ParseLeadsOptions): LeadsParseResult {
  const errors: LeadIssue[] = [];
  let records: Rec[];
  try {
    records = parse(input, { bom: true, columns: (h: string[]) => h.map((x) => x.trim()), skip_empty_lines: true, info: true }) as Rec[];
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new LeadsFileError([{ line: e.lines ?? 0, field: 'file', value: '', message: e.message }]);
  }
  const header = records[0] ? Object.keys(records[0].record) : [];
  for (const col of REQUIRED_COLUMNS) {
    if (records.length > 0 && !header.includes(col)) errors.push({ line: 1, field: col, value: '', message: 'column is missing' });
  }
  if (errors.length) return { leads: [], errors, duplicates: [] };

  const leads: ParsedLead[] = [];
  const duplicates: LeadsParseResult['duplicates'] = [];
  const seen = new Map<string, number>();
  let prevEnd = 1;
  for (const { record: r, info } of records) {
    const line = prevEnd + 1;
    prevEnd = info.lines;
    const rowErrors: LeadIssue[] = [];
    const cell = (c: string) => (r[c] ?? '').trim();
    const bad = (field: string, value: string, message: string) => rowErrors.push({ line, field, value, message });
    const opt = <T>(field: string, schema: z.ZodType<T, string>): T | null => {
      const v = cell(field);
      if (!v) return null;
      const res = schema.safeParse(v);
      if (!res.success) {
        bad(field, v, zodMessage(res.error));
        return null;
      }
      return res.data;
    };

    const name = cell('name');
    const address = cell('address');
    if (!name) bad('name', '', 'is required');
    if (!address) bad('address', '', 'is required');
    const phone = opt('phone', nzPhoneSchema);
    const email = opt('email', emailSchema);
    const primary = opt('primary_color', hexColourSchema);
    const secondary = opt('secondary_color', hexColourSchema);
    const urlField = (field: string) => {
      const v = cell(field);
      if (!v) return null;
      const u = httpUrl(v);
      if (!u) bad(field, v, 'is not an http(s) URL');
      return u;
    };
    const website = urlField('website_url');
    const storeUrl = urlField('ubereats_url');
    let hours: OpeningHours | null = null;
    const hoursText = cell('opening_hours');
    if (hoursText) {
      try {
        hours = parseOpeningHours(hoursText);
      } catch (err) {
        bad('opening_hours', hoursText, (err as Error).message);
      }
    }
    const file = (field: string): string | null => {
      const v = cell(field);
      if (!v) return null;
      const abs = isAbsolute(v) ? v : resolve(options.baseDir, v);
      if ((options.checkFiles ?? true) && !existsSync(abs)) bad(field, v, `file not found (looked for ${abs})`);
      return abs;
    };
    const menuCsv = file('menu_csv');
    const optionSets = file('option_sets_csv');
    if (optionSets && !menuCsv) bad('option_sets_csv', cell('option_sets_csv'), 'needs a menu_csv on the same row');
    const menuSource: MenuSource | null = menuCsv
      ? { kind: 'csv', menu_csv: menuCsv, option_sets_csv: optionSets }
      : storeUrl
        ? { kind: 'store_page', url: storeUrl }
        : null;

    if (rowErrors.length) {
      errors.push(...rowErrors);
      continue;
    }
    const key = dedupeKey(name, address);
    const first = seen.get(key);
    if (first !== undefined) {
      duplicates.push({ line, duplicateOfLine: first, name });
      continue;
    }
    seen.set(key, line);
    leads.push({
      line,
      name,
      address,
      city: cell('city') || null,
      phone,
      email,
      website_url: website,
      ubereats_url: storeUrl,
      cuisine: cell('cuisine').split(/[,;]/).map((c) => c.trim()).filter(Boolean),
      opening_hours: hours,
      opening_hours_text: hoursText || null,
      primary_color: primary,
      secondary_color: secondary,
      menu_source: menuSource,
    });
  }
  return { leads, errors, duplicates };
}

/** Read and parse a leads file; paths in it resolve against its directory. */
export function parseLeadsFile(path: string, options: Omit<ParseLeadsOptions, 'baseDir'> = {}): LeadsParseResult {
  return parseLeadsCsv(readFileSync(path), { ...options, baseDir: dirname(resolve(path)) });
}
