// generateAccountPassword: the password step 4 proposes when nothing supplied one (sealed by the host at once).
import { describe, expect, it } from 'vitest';
import { ACCOUNT_PASSWORD_MIN_LENGTH, generateAccountPassword } from '../src/handlers/accountPassword';

describe('generateAccountPassword', () => {
  it('meets the portal rule and has an upper-case letter, a lower-case letter, a digit and a symbol', () => {
    for (let i = 0; i < 500; i++) {
      const p = generateAccountPassword();
      expect(p).toHaveLength(20);
      expect(p.length).toBeGreaterThanOrEqual(ACCOUNT_PASSWORD_MIN_LENGTH);
      expect(p).toMatch(/[A-Z]/);
      expect(p).toMatch(/[a-z]/);
      expect(p).toMatch(/[2-9]/);
      expect(p).toMatch(/[!#%+=?@]/);
      expect(p).toMatch(/^[A-HJ-NP-Za-km-z2-9!#%+=?@]+$/);
    }
  });

  it('never repeats and is not derived from anything: 2,000 draws are all different', () => {
    const seen = new Set(Array.from({ length: 2000 }, () => generateAccountPassword()));
    expect(seen.size).toBe(2000);
  });

  it('draws from the random source given, rejecting bytes that would bias the choice', () => {
    // The first draw (24 upper-case letters) rejects bytes ≥ 240: a leading 255 is skipped, so both calls agree.
    let calls = 0;
    const source = (n: number) => {
      calls++;
      return Buffer.from(Array.from({ length: n }, (_, i) => (calls === 1 && i === 0 ? 255 : 0)));
    };
    const p = generateAccountPassword(8, source);
    expect(p).toHaveLength(8);
    expect(generateAccountPassword(8, source)).toBe(p);
  });

  it('refuses a length below the portal rule, naming it', () => {
    expect(() => generateAccountPassword(7)).toThrow(/at least 8, got 7/);
  });
});
