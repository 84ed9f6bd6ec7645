// Menu prices: "12.50", "$12.50", "NZ$ 12.5", "12,50" and "1,234.50" are read; anything whose decimal
// separator is ambiguous ("1.234,50", "1,234") is refused so a wrong price never reaches a live menu.

export class PriceFormatError extends Error {
  readonly code = 'MENU_PRICE_INVALID';
  readonly retryable = false;
  constructor(readonly value: string, reason: string) {
    super(`price ${JSON.stringify(value)}: ${reason}`);
  }
}

/** Parse a price into integer cents. */
export function parsePriceCents(raw: string): number {
  const s = raw.trim().replace(/^(NZD|NZ\$|\$)\s*/i, '').replace(/\s*(NZD)$/i, '').replace(/\s+/g, '');
  if (s === '') throw new PriceFormatError(raw, 'empty');
  let m: RegExpExecArray | null;
  if ((m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(s))) return toCents(m[1] ?? '0', m[2]);
  // Comma as the decimal separator: only when nothing else could be meant ("12,50", "12,5").
  if ((m = /^(\d+),(\d{1,2})$/.exec(s))) return toCents(m[1] ?? '0', m[2]);
  // Thousands with commas and a dot decimal, groups of three: "1,234.50".
  if ((m = /^(\d{1,3}(?:,\d{3})+)\.(\d{1,2})$/.exec(s))) return toCents((m[1] ?? '').replace(/,/g, ''), m[2]);
  if (/^\d{1,3}([.,])\d{3}([.,])\d{1,2}$/.test(s) || /^\d{1,3},\d{3}$/.test(s) || /^\d{1,3}\.\d{3}$/.test(s)) {
    throw new PriceFormatError(raw, 'ambiguous decimal separator');
  }
  throw new PriceFormatError(raw, 'not a price');
}

function toCents(units: string, fraction: string | undefined): number {
  const f = (fraction ?? '').padEnd(2, '0');
  return Number(units) * 100 + Number(f);
}

export function formatCents(cents: number): string {
  const units = Math.floor(cents / 100);
  return `${units}.${String(cents % 100).padStart(2, '0')}`;
}
