// The secrets store: AES-256-GCM under a key id, references in place of plaintext, rotation to a new key, and the
// local key generated into the project's state directory.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../src/testing/database';
import { createSecretStore, isSecretRef } from '../../src/secrets/store';
import { createKeyring, loadOrCreateLocalKeyring, parseKeyringSpec } from '../../src/secrets/keyring';
import { SecretError } from '../../src/secrets/errors';
import { ORG } from './helpers';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

it('seals the secrets at the given paths into references and reveals them deep inside any value', async () => {
  const store = createSecretStore({ db: t.db, keyring: createKeyring([{ id: 'k1', key: randomBytes(32) }]) });
  const sealed = await store.seal({ password: 'pw-one', onboarding: { user_password: 'pw-two', user_name: 'Jo' } }, [['password'], ['onboarding', 'user_password']], { organisationId: ORG });
  expect(isSecretRef(sealed.password)).toBe(true);
  expect(isSecretRef(sealed.onboarding.user_password)).toBe(true);
  expect(sealed.onboarding.user_name).toBe('Jo');
  // Sealing again leaves references alone (an event replayed or re-sealed never double-encrypts).
  expect(await store.seal(sealed, [['password']], { organisationId: ORG })).toEqual(sealed);
  expect(await store.revealDeep({ input: { config: sealed } })).toEqual({ input: { config: { password: 'pw-one', onboarding: { user_password: 'pw-two', user_name: 'Jo' } } } });
  const { rows } = await sql<{ key_id: string; ciphertext: Buffer }>`select key_id, ciphertext from encrypted_secrets`.execute(t.db);
  expect(rows.every((r) => r.key_id === 'k1' && !r.ciphertext.toString('latin1').includes('pw-'))).toBe(true);
});

it('rotates every secret to the current key; the old key is then no longer needed', async () => {
  const oldKey = { id: 'old', key: randomBytes(32) };
  const newKey = { id: 'new', key: randomBytes(32) };
  const before = createSecretStore({ db: t.db, keyring: createKeyring([oldKey]) });
  const ref = await before.put('rotate-me', { organisationId: ORG });
  const both = createSecretStore({ db: t.db, keyring: createKeyring([newKey, oldKey]) });
  expect(await both.reveal(ref)).toBe('rotate-me');
  expect(await both.rotate()).toBeGreaterThanOrEqual(1);
  const onlyNew = createSecretStore({ db: t.db, keyring: createKeyring([newKey]) });
  expect(await onlyNew.reveal(ref)).toBe('rotate-me');
  const err = await before.reveal(ref).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(SecretError);
  expect((err as SecretError).code).toBe('secret_key_unknown');
});

it('parses REGBATCH_SECRET_KEYS and names a bad key in its error; generates the local key once, private', async () => {
  const k = randomBytes(32).toString('base64');
  expect(parseKeyringSpec(`a:${k},b:${randomBytes(32).toString('base64')}`).current.id).toBe('a');
  expect(() => parseKeyringSpec(`short:${randomBytes(8).toString('base64')}`)).toThrow(/key "short" must be 32 bytes/);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'regbatch-keys-'));
  try {
    const first = loadOrCreateLocalKeyring(dir);
    const again = loadOrCreateLocalKeyring(dir);
    expect(again.current.id).toBe(first.current.id);
    expect((await stat(path.join(dir, 'secret.key'))).mode & 0o777).toBe(0o600);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
