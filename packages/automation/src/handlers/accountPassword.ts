// The platform account password step 4 proposes when nothing supplied one (DESIGN §4): generated here, on the host,
// from the OS's CSPRNG, and handed to the engine's secret store at once; only its reference leaves the handler.
import { randomBytes } from 'node:crypto';

/** The portal's rule (sandbox register API and manage sign-up): at least 8 characters. */
export const ACCOUNT_PASSWORD_MIN_LENGTH = 8;

// Look-alikes (I/l/1, O/0) left out: an operator may read the password out of the secret store and type it.
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';
// Symbols that need no escaping in a form, a URL-encoded body or a shell, so every flow types them as they are.
const SYMBOLS = '!#%+=?@';
const ALL = UPPER + LOWER + DIGITS + SYMBOLS;

/**
 * A random password of `length` characters with at least one upper-case letter, one lower-case letter, one digit
 * and one symbol (the classes the original's "<Name>789!" had, so any portal rule it passed, this passes), about
 * 6 bits of entropy per character. Characters are drawn without modulo bias.
 */
export function generateAccountPassword(length = 20, random: (size: number) => Buffer = randomBytes): string {
  if (!Number.isInteger(length) || length < Math.max(ACCOUNT_PASSWORD_MIN_LENGTH, 4)) {
    throw new RangeError(`account password length must be an integer of at least ${ACCOUNT_PASSWORD_MIN_LENGTH}, got ${length}`);
  }
  let pool = random(64);
  let at = 0;
  const byte = (): number => {
    if (at >= pool.length) {
      pool = random(64);
      at = 0;
    }
    return pool[at++]!;
  };
  /** A uniform index below n (n ≤ 256): bytes at or above the largest multiple of n are rejected. */
  const below = (n: number): number => {
    const limit = 256 - (256 % n);
    for (;;) {
      const b = byte();
      if (b < limit) return b % n;
    }
  };
  const chars = [UPPER, LOWER, DIGITS, SYMBOLS].map((set) => set[below(set.length)]!);
  while (chars.length < length) chars.push(ALL[below(ALL.length)]!);
  // Fisher–Yates, so the guaranteed classes sit at random positions.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = below(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

/** The host's capability to store a secret encrypted for the task's organisation and get its `{ secret_ref }`. */
export type SealSecret = (plaintext: string, purpose: string) => Promise<{ readonly secret_ref: string }>;
