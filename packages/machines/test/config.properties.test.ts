// Properties of the configuration fields, checked with generated values.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  DAYS,
  findOverlap,
  formatOpeningHours,
  hexColourSchema,
  parseOpeningHours,
  sortOpeningHours,
  splitOvernight,
  type OpeningHoursEntry,
} from '../src/config';

const time = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

const entry = fc.record({ day: fc.constantFrom(...DAYS), open: time, close: time });

/** Non-overlapping weekly hours (generated, then overlapping shifts dropped). */
const hours = fc.array(entry, { maxLength: 12 }).map((entries) => {
  const kept: OpeningHoursEntry[] = [];
  for (const e of entries) if (!findOverlap([...kept, e])) kept.push(e);
  return sortOpeningHours(kept);
});

describe('opening hours properties', () => {
  test('formatting then parsing gives the same hours', () => {
    fc.assert(
      fc.property(hours, (h) => {
        if (h.length === 0) return;
        expect(parseOpeningHours(formatOpeningHours(h))).toEqual(h);
      }),
    );
  });

  test('splitting after-midnight shifts gives same-day slots covering the same minutes', () => {
    const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
    const total = (es: readonly OpeningHoursEntry[], split: boolean) =>
      es.reduce((sum, e) => {
        const length = minutes(e.close) - minutes(e.open);
        // A split slot ending 23:59 stands for the minute up to midnight.
        return sum + (split ? length + (e.close === '23:59' ? 1 : 0) : length <= 0 ? length + 1440 : length);
      }, 0);
    fc.assert(
      fc.property(hours, (h) => {
        const slots = splitOvernight(h);
        for (const s of slots) expect(minutes(s.close)).toBeGreaterThan(minutes(s.open));
        expect(total(slots, true)).toBe(total(h, false));
      }),
    );
  });
});

describe('colour properties', () => {
  test('any 3- or 6-digit hex in any case and with or without # becomes the same #rrggbb', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-fA-F]{6}$/), fc.boolean(), (hex, hash) => {
        const value = hexColourSchema.parse(`${hash ? '#' : ''}${hex}`);
        expect(value).toBe(`#${hex.toLowerCase()}`);
        expect(hexColourSchema.parse(value.toUpperCase())).toBe(value);
      }),
    );
  });
});
