// Field schemas shared by ExecutionConfig, the web form and the leads importer: email, NZ phone, hex colour, hours.
// Each normalises what people really type and rejects the rest with a message naming the value.
import { z } from 'zod';
import { parsePhoneNumberFromString } from 'libphonenumber-js';

export {
  DAYS,
  OpeningHoursParseError,
  coerceOpeningHours,
  findOverlap,
  formatOpeningHours,
  openingHoursEntrySchema,
  openingHoursSchema,
  parseOpeningHours,
  sortOpeningHours,
  splitOvernight,
  timeOfDaySchema,
} from './openingHours';
export type { Day, OpeningHours, OpeningHoursEntry } from './openingHours';

// The WHATWG URL parser is present in browsers and Node alike and applies IDNA (UTS #46) to host names; it is
// reached through globalThis because this package compiles without DOM or Node type libraries.
const UrlCtor = (globalThis as unknown as { URL: new (input: string) => { hostname: string } }).URL;

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

/** Converts a domain to its ASCII (punycode) form, or null when it is not a usable internet domain. */
export function domainToAscii(domain: string): string | null {
  if (domain === '' || /[\s/?#:@\\[\]%]/.test(domain)) return null;
  let host: string;
  try {
    host = new UrlCtor(`http://${domain.normalize('NFC')}`).hostname;
  } catch {
    return null;
  }
  const labels = host.split('.');
  if (labels.length < 2 || host.length > 253) return null;
  if (!labels.every((l) => LABEL.test(l))) return null;
  // A top-level domain is letters, or an IDN TLD in punycode; never all digits (that would be an IP address).
  const tld = labels[labels.length - 1] as string;
  if (!/^[a-z]{2,63}$/.test(tld) && !/^xn--[a-z0-9-]+$/.test(tld)) return null;
  return host;
}

/** Email: trimmed, lower-cased, domain stored in punycode (`owner@pōneke.nz` → `owner@xn--pneke-nta.nz`). */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .transform((value, ctx) => {
    const at = value.lastIndexOf('@');
    const local = at > 0 ? value.slice(0, at) : '';
    const domain = at > 0 ? domainToAscii(value.slice(at + 1)) : null;
    if (!local || local.length > 64 || !LOCAL_PART.test(local) || !domain) {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(value)} is not a valid email address`,
        input: value,
      });
      return z.NEVER;
    }
    return `${local}@${domain}`;
  });

/**
 * New Zealand phone number in E.164 (`+6421…`). Accepts national (`021 555 0101`, `(09) 555 0102`, `04-555-0106`)
 * and international (`+64 21…`, `+6475550109`) forms of landlines and mobiles (7–8 digit subscriber numbers)
 * and 0800/0508 numbers; rejects anything that is not a valid NZ number.
 */
export const nzPhoneSchema = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const parsed = /[a-z]/i.test(value.replace(/\b(?:ext|x)\.?\s*\d+$/i, ''))
      ? undefined
      : parsePhoneNumberFromString(value, 'NZ');
    if (!parsed || !parsed.isValid() || parsed.country !== 'NZ') {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(value)} is not a valid New Zealand phone number`,
        input: value,
      });
      return z.NEVER;
    }
    return parsed.number;
  });

/** Hex colour normalised to lower-case `#rrggbb`: `#abc`, `ABCDEF` and `#AbCdEf` are accepted. */
export const hexColourSchema = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const match = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value);
    if (!match) {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(value)} is not a hex colour like #3f92ff`,
        input: value,
      });
      return z.NEVER;
    }
    const hex = (match[1] as string).toLowerCase();
    return `#${hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex}`;
  });

export type Email = z.output<typeof emailSchema>;
export type NzPhone = z.output<typeof nzPhoneSchema>;
export type HexColour = z.output<typeof hexColourSchema>;
