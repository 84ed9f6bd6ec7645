// Verifies bearer JWTs as Supabase issues them: HS256 with the project's JWT secret, or asymmetric keys from its
// JWKS URL. Only the signature, expiry, audience and issuer are trusted from the token; organisation and role
// come from `profiles` (see users.ts), never from the token's user-editable metadata.
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { AuthError } from './errors';

export interface VerifierConfig {
  /** HS256 shared secret (Supabase "JWT secret", or the local dev secret). */
  readonly jwtSecret?: string | undefined;
  /** JWKS endpoint, e.g. https://<project>.supabase.co/auth/v1/.well-known/jwks.json */
  readonly jwksUrl?: string | undefined;
  /** Expected `aud`; Supabase user tokens carry "authenticated". */
  readonly audience?: string | undefined;
  /** Expected `iss` when set. */
  readonly issuer?: string | undefined;
}

export interface VerifiedToken {
  readonly sub: string;
  readonly email: string | null;
  readonly payload: JWTPayload;
}

export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken>;
}

export function createTokenVerifier(config: VerifierConfig): TokenVerifier {
  const sources: { key: Uint8Array | JWTVerifyGetKey; algorithms: string[] }[] = [];
  if (config.jwtSecret) sources.push({ key: new TextEncoder().encode(config.jwtSecret), algorithms: ['HS256'] });
  if (config.jwksUrl) {
    sources.push({ key: createRemoteJWKSet(new URL(config.jwksUrl)), algorithms: ['RS256', 'ES256', 'EdDSA', 'PS256'] });
  }
  if (sources.length === 0) throw new AuthError('invalid_token', 'no JWT secret and no JWKS URL configured: cannot verify tokens');
  const options = {
    audience: config.audience ?? 'authenticated',
    ...(config.issuer ? { issuer: config.issuer } : {}),
  };

  return {
    async verify(token) {
      let lastError: unknown;
      for (const source of sources) {
        try {
          const { payload } =
            source.key instanceof Uint8Array
              ? await jwtVerify(token, source.key, { ...options, algorithms: source.algorithms })
              : await jwtVerify(token, source.key, { ...options, algorithms: source.algorithms });
          if (typeof payload.sub !== 'string' || payload.sub === '') throw new AuthError('invalid_token', 'token has no subject (sub)');
          return { sub: payload.sub, email: typeof payload.email === 'string' ? payload.email : null, payload };
        } catch (error) {
          lastError = error;
        }
      }
      if (lastError instanceof AuthError) throw lastError;
      const reason = lastError instanceof Error ? `${(lastError as { code?: string }).code ?? lastError.name}: ${lastError.message}` : String(lastError);
      throw new AuthError('invalid_token', `bearer token rejected (${reason})`);
    },
  };
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}
