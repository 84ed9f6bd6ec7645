// Local mode (no Supabase): a generated HS256 secret in REGBATCH_HOME/jwt-secret signs dev tokens for the seeded
// users, shaped like Supabase's (aud "authenticated", role "authenticated", sub = auth.users.id).
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SignJWT } from 'jose';

export const LOCAL_ISSUER = 'regbatch-local';

/** Reads `<home>/jwt-secret`, creating it (0600) on first use. */
export function loadOrCreateLocalJwtSecret(home: string): string {
  const file = path.join(home, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(home, { recursive: true });
    try {
      writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    }
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new Error(`${file}: the local JWT secret is too short (${secret.length} characters); delete the file to regenerate it`);
  return secret;
}

export interface DevTokenSubject {
  readonly id: string;
  readonly email: string;
}

/** A Supabase-shaped access token for `user`, signed with the local secret. */
export async function signDevToken(secret: string, user: DevTokenSubject, opts: { ttlSeconds?: number; now?: Date } = {}): Promise<string> {
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  return new SignJWT({ email: user.email, role: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setAudience('authenticated')
    .setIssuer(LOCAL_ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + (opts.ttlSeconds ?? 12 * 3600))
    .sign(new TextEncoder().encode(secret));
}
