// The second layer behind paused tracing: every spelling of a secret is rewritten out of a trace zip and
// out of log lines.
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { redact, redactTraceZip, secretVariants } from '../src/flows';

const secret = 'P@ss wörd&=1"x';

describe('secret redaction', () => {
  it('covers raw, URL/form-encoded, JSON-escaped and base64 spellings', () => {
    const v = secretVariants(secret);
    expect(v).toEqual(expect.arrayContaining([secret, encodeURIComponent(secret), 'P%40ss+w%C3%B6rd%26%3D1%22x', 'P@ss wörd&=1\\"x', Buffer.from(secret).toString('base64')]));
    expect(redact(`{"password":"P@ss wörd&=1\\"x"} body=P%40ss+w%C3%B6rd%26%3D1%22x`, [secret])).toBe('{"password":"[REDACTED]"} body=[REDACTED]');
  });

  it('rewrites every entry of a trace zip and leaves the others byte-identical', () => {
    const png = new Uint8Array([137, 80, 78, 71, 0, 255]);
    const zip = zipSync({
      'trace.trace': strToU8(`{"type":"action","params":{"value":"${secret.replace(/"/g, '\\"')}"}}`),
      'trace.network': strToU8(`{"postData":"email=a%40b.nz&password=${encodeURIComponent(secret)}"}`),
      'resources/page.png': png,
    });
    const out = unzipSync(redactTraceZip(zip, [secret]));
    const text = Object.values(out).map((d) => strFromU8(d, true)).join('\n');
    for (const v of secretVariants(secret)) expect(text).not.toContain(v);
    expect(strFromU8(out['trace.network']!)).toContain('password=[REDACTED]');
    expect(out['resources/page.png']).toEqual(png);
  });
});
