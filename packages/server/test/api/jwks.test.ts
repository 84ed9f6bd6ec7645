// Supabase JWTs verified against a JWKS endpoint (a local HTTP server here, since no Supabase runs on this machine):
// a token signed by a published key is accepted; another key, another audience, an expired token or an HS256 token
// are 401. The role still comes from profiles, whatever the token claims.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { SEED_USERS, apiHarness, rejects, type ApiHarness } from './helpers';

let h: ApiHarness;
let jwks: http.Server;
let jwksUrl: string;
let fetches = 0;
let key: CryptoKey;
let otherKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  key = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
  jwks = http.createServer((req, res) => {
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/auth/v1/.well-known/jwks.json`;
  h = await apiHarness({ verifier: { jwksUrl, issuer: 'https://project.supabase.co/auth/v1' } });
}, 60_000);

afterAll(async () => {
  await h?.close();
  await new Promise((resolve) => jwks?.close(resolve));
});

function supabaseToken(signWith: CryptoKey, claims: { sub: string; aud?: string; exp?: number; user_metadata?: unknown; kid?: string }) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: 'authenticated', email: 'x@example.com', user_metadata: claims.user_metadata ?? {} })
    .setProtectedHeader({ alg: 'RS256', kid: claims.kid ?? 'test-key-1' })
    .setSubject(claims.sub)
    .setAudience(claims.aud ?? 'authenticated')
    .setIssuer('https://project.supabase.co/auth/v1')
    .setIssuedAt(now - 10)
    .setExpirationTime(claims.exp ?? now + 600)
    .sign(signWith);
}

describe('JWKS verification', () => {
  it('accepts a token signed by a published key, fetching the key set from the JWKS URL', async () => {
    const token = await supabaseToken(key, { sub: SEED_USERS.userA.id });
    const me = await h.client(token).auth.me.query();
    expect(me).toMatchObject({ id: SEED_USERS.userA.id, role: 'user' });
    expect(fetches).toBeGreaterThan(0);
  });

  it('takes the role from profiles, not from user-editable metadata in the token', async () => {
    const token = await supabaseToken(key, { sub: SEED_USERS.userA.id, user_metadata: { role: 'admin', organisation_id: SEED_USERS.userB.organisationId } });
    const client = h.client(token);
    expect(await client.auth.me.query()).toMatchObject({ role: 'user', organisationId: SEED_USERS.userA.organisationId });
    expect(await rejects(client.settings.update.mutate({ target: 'production' }))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('answers 401 for an unknown key, another audience, an expired token and an HS256 token', async () => {
    const cases = [
      await supabaseToken(otherKey, { sub: SEED_USERS.userA.id }),
      await supabaseToken(otherKey, { sub: SEED_USERS.userA.id, kid: 'unknown-kid' }),
      await supabaseToken(key, { sub: SEED_USERS.userA.id, aud: 'anon' }),
      await supabaseToken(key, { sub: SEED_USERS.userA.id, exp: Math.floor(Date.now() / 1000) - 60 }),
      await h.token(SEED_USERS.userA),
    ];
    for (const token of cases) {
      expect(await rejects(h.client(token).batches.list.query({}))).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
    }
  });

  it('answers 401 for a valid token of a user without a profile', async () => {
    const token = await supabaseToken(key, { sub: '0c000000-0000-4000-8000-0000000000c1' });
    expect(await rejects(h.client(token).batches.list.query({}))).toMatchObject({ code: 'UNAUTHORIZED', domainCode: 'no_profile' });
  });
});
