// Opening hours: the stored shape (one entry per day and shift), the parser for the free-text cells of a leads file,
// and the two views the flows need (compact text, and per-day slots with after-midnight shifts split).
import { z } from 'zod';

export const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
export type Day = (typeof DAYS)[number];

const SHORT: Record<Day, string> = {
  Monday: 'Mon',
  Tuesday: 'Tue',
  Wednesday: 'Wed',
  Thursday: 'Thu',
  Friday: 'Fri',
  Saturday: 'Sat',
  Sunday: 'Sun',
};

/** `HH:MM`, 24-hour clock. */
export const timeOfDaySchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, {
    error: (issue) => `${JSON.stringify(issue.input)} is not a time of day (HH:MM)`,
  });

/**
 * One shift on one day. `close` at or before `open` means the shift ends after midnight, on the next day
 * ("Sat 17:00-02:00" is `{ day: 'Saturday', open: '17:00', close: '02:00' }`); `open === close` is open 24 hours.
 */
export const openingHoursEntrySchema = z.object({
  day: z.enum(DAYS),
  open: timeOfDaySchema,
  close: timeOfDaySchema,
});
export type OpeningHoursEntry = z.infer<typeof openingHoursEntrySchema>;
export type OpeningHours = OpeningHoursEntry[];

/** A cell that cannot be read as opening hours. `code` follows the project's typed-error convention. */
export class OpeningHoursParseError extends Error {
  readonly code = 'invalid_opening_hours';
  readonly retryable = false;
  constructor(
    readonly input: string,
    detail: string,
  ) {
    super(`opening hours ${JSON.stringify(input)}: ${detail}`);
    this.name = 'OpeningHoursParseError';
  }
}

const DAY_WORDS: Record<string, Day> = {
  mon: 'Monday',
  monday: 'Monday',
  mo: 'Monday',
  tue: 'Tuesday',
  tues: 'Tuesday',
  tuesday: 'Tuesday',
  tu: 'Tuesday',
  wed: 'Wednesday',
  weds: 'Wednesday',
  wednesday: 'Wednesday',
  we: 'Wednesday',
  thu: 'Thursday',
  thur: 'Thursday',
  thurs: 'Thursday',
  thursday: 'Thursday',
  th: 'Thursday',
  fri: 'Friday',
  friday: 'Friday',
  fr: 'Friday',
  sat: 'Saturday',
  saturday: 'Saturday',
  sa: 'Saturday',
  sun: 'Sunday',
  sunday: 'Sunday',
  su: 'Sunday',
};

const DAY_SETS: Record<string, readonly Day[]> = {
  daily: DAYS,
  everyday: DAYS,
  'every day': DAYS,
  '7 days': DAYS,
  'seven days': DAYS,
  'all week': DAYS,
  weekdays: DAYS.slice(0, 5),
  weekends: ['Saturday', 'Sunday'],
  weekend: ['Saturday', 'Sunday'],
};

function minutes(time: string): number {
  const [h, m] = time.split(':');
  return Number(h) * 60 + Number(m);
}

function hhmm(total: number): string {
  const h = Math.floor(total / 60) % 24;
  const m = total % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

function dayRange(input: string, from: Day, to: Day): Day[] {
  const start = DAYS.indexOf(from);
  const end = DAYS.indexOf(to);
  if (start === end) throw new OpeningHoursParseError(input, `day range "${from}-${to}" is a single day`);
  const days: Day[] = [];
  // A range may wrap the week ("Fri-Mon").
  for (let i = start; ; i = (i + 1) % 7) {
    days.push(DAYS[i] as Day);
    if (i === end) break;
  }
  return days;
}

function lookupDay(input: string, word: string): Day {
  const day = DAY_WORDS[word.replace(/\.$/, '')];
  if (!day) throw new OpeningHoursParseError(input, `"${word}" is not a day`);
  return day;
}

function parseDays(input: string, spec: string): Day[] {
  const cleaned = spec
    .toLowerCase()
    .replace(/[–—]/g, '-')
    .replace(/\s+to\s+/g, '-')
    .replace(/\s*-\s*/g, '-')
    .trim()
    .replace(/:$/, '')
    .trim();
  if (cleaned === '') throw new OpeningHoursParseError(input, 'a group of hours names no days');
  const set = DAY_SETS[cleaned];
  if (set) return [...set];
  const days: Day[] = [];
  for (const item of cleaned.split(/\s*(?:,|&|\/|\band\b)\s*|\s+/).filter(Boolean)) {
    const named = DAY_SETS[item];
    if (named) {
      days.push(...named);
      continue;
    }
    const range = item.split('-');
    if (range.length === 2) {
      days.push(
        ...dayRange(input, lookupDay(input, range[0] as string), lookupDay(input, range[1] as string)),
      );
    } else if (range.length === 1) {
      days.push(lookupDay(input, item));
    } else {
      throw new OpeningHoursParseError(input, `"${item}" is not a day or day range`);
    }
  }
  return days;
}

function parseTime(input: string, token: string): number {
  const t = token.trim().toLowerCase().replace(/\s+/g, '');
  if (t === 'noon' || t === 'midday') return 12 * 60;
  if (t === 'midnight') return 24 * 60;
  const match = /^(\d{1,2})(?:[:.](\d{2}))?(am|pm|a\.m\.|p\.m\.)?$/.exec(t) ?? /^(\d{2})(\d{2})()$/.exec(t);
  if (!match) throw new OpeningHoursParseError(input, `"${token.trim()}" is not a time`);
  let hours = Number(match[1]);
  const mins = match[2] ? Number(match[2]) : 0;
  const meridiem = match[3]?.replace(/\./g, '');
  if (mins > 59) throw new OpeningHoursParseError(input, `"${token.trim()}" is not a time`);
  if (meridiem) {
    if (hours < 1 || hours > 12) throw new OpeningHoursParseError(input, `"${token.trim()}" is not a time`);
    if (meridiem === 'am' && hours === 12) hours = 0;
    if (meridiem === 'pm' && hours !== 12) hours += 12;
  } else if (hours > 24 || (hours === 24 && mins !== 0)) {
    throw new OpeningHoursParseError(input, `"${token.trim()}" is not a time`);
  }
  return hours * 60 + mins;
}

function parseShifts(input: string, spec: string): Array<{ open: string; close: string }> {
  const shifts: Array<{ open: string; close: string }> = [];
  for (const range of spec.split(/\s*(?:,|&|\/|\band\b)\s*/).filter((r) => r.trim() !== '')) {
    const ends = range.split(/\s*(?:-|–|—|\bto\b|\buntil\b)\s*/).filter((e) => e.trim() !== '');
    if (ends.length !== 2)
      throw new OpeningHoursParseError(input, `"${range.trim()}" is not a time range like 11:00-14:00`);
    const open = parseTime(input, ends[0] as string);
    const close = parseTime(input, ends[1] as string);
    if (open === 24 * 60)
      throw new OpeningHoursParseError(input, `a shift cannot open at midnight's end ("${range.trim()}")`);
    shifts.push({ open: hhmm(open), close: hhmm(close) });
  }
  if (shifts.length === 0) throw new OpeningHoursParseError(input, 'a group of days has no hours');
  return shifts;
}

/** Minutes from Monday 00:00 covered by a shift, as [start, end) with end possibly past the week's end. */
function span(entry: OpeningHoursEntry): [number, number] {
  const start = DAYS.indexOf(entry.day) * 1440 + minutes(entry.open);
  let length = minutes(entry.close) - minutes(entry.open);
  if (length <= 0) length += 1440;
  return [start, start + length];
}

function overlap(a: OpeningHoursEntry, b: OpeningHoursEntry): boolean {
  const [as, ae] = span(a);
  const [bs, be] = span(b);
  const week = 7 * 1440;
  // Compare on the weekly circle: a Sunday shift past midnight meets Monday morning.
  for (const shift of [0, week, -week]) {
    if (as < be + shift && bs + shift < ae) return true;
  }
  return false;
}

function describe(entry: OpeningHoursEntry): string {
  return `${SHORT[entry.day]} ${entry.open}-${entry.close}`;
}

/** Monday first, then by opening time. */
export function sortOpeningHours(hours: readonly OpeningHoursEntry[]): OpeningHours {
  return [...hours].sort(
    (a, b) =>
      DAYS.indexOf(a.day) - DAYS.indexOf(b.day) ||
      minutes(a.open) - minutes(b.open) ||
      minutes(a.close) - minutes(b.close),
  );
}

/** The first pair of overlapping shifts, or null. */
export function findOverlap(
  hours: readonly OpeningHoursEntry[],
): [OpeningHoursEntry, OpeningHoursEntry] | null {
  for (let i = 0; i < hours.length; i += 1) {
    for (let j = i + 1; j < hours.length; j += 1) {
      const a = hours[i] as OpeningHoursEntry;
      const b = hours[j] as OpeningHoursEntry;
      if (overlap(a, b)) return [a, b];
    }
  }
  return null;
}

/**
 * Reads a cell such as "Mon-Fri 11:00-14:00, 17:00-22:00; Sat 17:00-02:00".
 * Groups are separated by `;`, `|` or new lines; a group is days (`Mon`, `Mon-Fri`, `Fri-Mon`, `Mon, Wed`, `Daily`,
 * `Weekends`) followed by shifts (`11:00-14:00`, `11am-2:30pm`, `17:00-02:00` past midnight) or `Closed`.
 * A later `Closed` removes the hours an earlier group gave that day. Overlapping shifts are rejected.
 */
export function parseOpeningHours(text: string): OpeningHours {
  const input = text;
  const entries: OpeningHoursEntry[] = [];
  const groups = text
    .split(/[;|\n]+/)
    .map((g) => g.trim())
    .filter(Boolean);
  if (groups.length === 0) throw new OpeningHoursParseError(input, 'no hours given');
  for (const group of groups) {
    const at = group.search(/\d|\bclosed\b|\bnoon\b|\bmidday\b|\bmidnight\b/i);
    if (at < 0) throw new OpeningHoursParseError(input, `"${group}" has no hours`);
    const days = parseDays(input, group.slice(0, at));
    const rest = group.slice(at).trim();
    if (/^closed\b/i.test(rest)) {
      for (let i = entries.length - 1; i >= 0; i -= 1) {
        if (days.includes((entries[i] as OpeningHoursEntry).day)) entries.splice(i, 1);
      }
      continue;
    }
    const shifts = parseShifts(input, rest);
    for (const day of days) for (const shift of shifts) entries.push({ day, ...shift });
  }
  const unique = sortOpeningHours(entries).filter(
    (e, i, all) => i === 0 || describe(e) !== describe(all[i - 1] as OpeningHoursEntry),
  );
  const clash = findOverlap(unique);
  if (clash)
    throw new OpeningHoursParseError(
      input,
      `shifts overlap: ${describe(clash[0])} and ${describe(clash[1])}`,
    );
  return unique;
}

/** The same hours as compact text, e.g. "Mon-Fri 11:00-14:00, 17:00-22:00; Sat 17:00-02:00". Parses back to equal hours. */
export function formatOpeningHours(hours: readonly OpeningHoursEntry[]): string {
  const sorted = sortOpeningHours(hours);
  const perDay = DAYS.map((day) =>
    sorted
      .filter((e) => e.day === day)
      .map((e) => `${e.open}-${e.close}`)
      .join(', '),
  );
  const parts: string[] = [];
  let i = 0;
  while (i < 7) {
    const shifts = perDay[i] as string;
    let j = i;
    while (j + 1 < 7 && perDay[j + 1] === shifts) j += 1;
    if (shifts !== '') {
      const days = j === i ? SHORT[DAYS[i] as Day] : `${SHORT[DAYS[i] as Day]}-${SHORT[DAYS[j] as Day]}`;
      parts.push(`${days} ${shifts}`);
    }
    i = j + 1;
  }
  return parts.join('; ');
}

/**
 * Per-day slots as the admin portal's "Add Time Slot" rows need them: a shift past midnight becomes two slots,
 * e.g. Sat 17:00-02:00 → Sat 17:00-23:59 and Sun 00:00-02:00 (a shift ending exactly at midnight stays on its day).
 */
export function splitOvernight(hours: readonly OpeningHoursEntry[]): OpeningHours {
  const out: OpeningHoursEntry[] = [];
  for (const entry of hours) {
    const open = minutes(entry.open);
    const close = minutes(entry.close);
    if (close > open) {
      out.push({ ...entry });
    } else if (close === 0) {
      out.push({ day: entry.day, open: entry.open, close: '23:59' });
    } else {
      const next = DAYS[(DAYS.indexOf(entry.day) + 1) % 7] as Day;
      out.push({ day: entry.day, open: entry.open, close: '23:59' });
      out.push({ day: next, open: '00:00', close: entry.close });
    }
  }
  return sortOpeningHours(out);
}

const DAY_LOOKUP: Record<string, Day> = Object.fromEntries(
  DAYS.flatMap((day) => [
    [day.toLowerCase(), day],
    [day.slice(0, 3).toLowerCase(), day],
  ]),
);

/**
 * Reads opening hours in the shapes stored data has: our entries, free text, the registration script's
 * `[{ day, hours: { open, close } }]`, or an object keyed by day (`{ monday: { open, close } | "11:00-21:00" | "Closed" }`).
 * Unreadable values are returned as they are, so the schema reports them.
 */
export function coerceOpeningHours(value: unknown): unknown {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return [];
  if (typeof value === 'string') return value;
  const entries: OpeningHoursEntry[] = [];
  const push = (dayName: unknown, open: unknown, close: unknown): boolean => {
    const day = typeof dayName === 'string' ? DAY_LOOKUP[dayName.trim().toLowerCase()] : undefined;
    if (!day) return false;
    if (typeof open !== 'string' || typeof close !== 'string') return false;
    if (/closed/i.test(open) || /closed/i.test(close)) return true;
    const pad = (t: string) => t.trim().replace(/^(\d):/, '0$1:');
    entries.push({ day, open: pad(open), close: pad(close) });
    return true;
  };
  if (Array.isArray(value)) {
    for (const item of value) {
      if (!item || typeof item !== 'object') return value;
      const row = item as Record<string, unknown>;
      const hours = (row.hours && typeof row.hours === 'object' ? row.hours : row) as Record<string, unknown>;
      if (!push(row.day, hours.open, hours.close)) return value;
    }
    return sortOpeningHours(entries);
  }
  if (typeof value === 'object') {
    for (const [dayName, hours] of Object.entries(value as Record<string, unknown>)) {
      const list = Array.isArray(hours) ? hours : [hours];
      for (const h of list) {
        if (typeof h === 'string') {
          if (/closed/i.test(h)) continue;
          try {
            for (const e of parseOpeningHours(`${dayName} ${h}`)) entries.push(e);
          } catch {
            return value;
          }
        } else if (h && typeof h === 'object') {
          const o = h as Record<string, unknown>;
          if (o.closed === true || o.isOpen === false) continue;
          if (!push(dayName, o.open, o.close)) return value;
        } else if (h !== null && h !== false) {
          return value;
        }
      }
    }
    return sortOpeningHours(entries);
  }
  return value;
}

const entriesSchema = z
  .array(openingHoursEntrySchema)
  .transform((hours) => sortOpeningHours(hours))
  .superRefine((hours, ctx) => {
    const clash = findOverlap(hours);
    if (clash)
      ctx.addIssue({
        code: 'custom',
        message: `shifts overlap: ${describe(clash[0])} and ${describe(clash[1])}`,
      });
  });

/**
 * Opening hours as stored: a list of {@link OpeningHoursEntry}. Also accepts the free-text form of a leads cell
 * and parses it, so importer, form and config share one reading.
 */
export const openingHoursSchema = z.preprocess((value, ctx) => {
  if (typeof value !== 'string') return value;
  try {
    return parseOpeningHours(value);
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: error instanceof Error ? error.message : String(error),
      input: value,
    });
    return z.NEVER;
  }
}, entriesSchema);
