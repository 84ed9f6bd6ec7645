// Encryption keys for stored secrets: parse them from the environment, or generate the local default into .regbatch/.
// The first key encrypts; every listed key decrypts, so a key can be rotated by prepending a new one.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SecretError } from './errors';

export interface SecretKey {
  readonly id: string;
  readonly key: Buffer;
}

export interface Keyring {
  readonly current: SecretKey;
  /** Every configured key id, current first. */
  readonly ids: readonly string[];
  byId(id: string): SecretKey | undefined;
}

export function createKeyring(keys: readonly SecretKey[]): Keyring {
  const first = keys[0];
  if (!first) throw new SecretError('secret_key_missing', 'no encryption key given', false);
  const map = new Map<string, SecretKey>();
  for (const k of keys) {
    if (k.key.length !== 32) {
      throw new SecretError('secret_key_invalid', `key "${k.id}" must be 32 bytes (AES-256), got ${k.key.length}`, false);
    }
    map.set(k.id, k);
  }
  return { current: first, ids: [...map.keys()], byId: (id) => map.get(id) };
}

/**
 * Parses `REGBATCH_SECRET_KEYS`: comma-separated `keyId:base64key` pairs, newest first.
 * A bare base64 key (no id) gets an id derived from its hash, so the id is stable across restarts.
 */
export function parseKeyringSpec(spec: string): Keyring {
  const keys: SecretKey[] = [];
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const colon = part.indexOf(':');
    const [id, b64] = colon > 0 ? [part.slice(0, colon), part.slice(colon + 1)] : [undefined, part];
    const key = Buffer.from(b64, 'base64');
    keys.push({ id: id ?? keyIdOf(key), key });
  }
  if (keys.length === 0) {
    throw new SecretError('secret_key_missing', `REGBATCH_SECRET_KEYS is empty (value: "${spec}")`, false);
  }
  return createKeyring(keys);
}

export function keyIdOf(key: Buffer): string {
  return `k-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

/** The local default: `<dir>/secret.key` (base64), created with mode 0600 on first use. */
export function loadOrCreateLocalKeyring(dir: string): Keyring {
  const file = join(dir, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  }
  return parseKeyringSpec(readFileSync(file, 'utf8').trim());
}
