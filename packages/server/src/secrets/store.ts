// The encrypted secrets table: AES-256-GCM with a key id per row (rotation), and the reference strings that
// take a secret's place in events, snapshots, task inputs and rows. Only a worker, at the moment of use, reveals them.
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../engine/db';
import { SecretError } from './errors';
import type { Keyring } from './keyring';

/**
 * A reference as it takes a secret's place: `{ secret_ref: "<uuid>" }`, the shape the machines' ExecutionConfig
 * schema accepts wherever a password may be (packages/machines/src/config/executionConfig.ts SecretRefSchema).
 */
export interface SecretRef {
  readonly secret_ref: string;
}
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isSecretRef(value: unknown): value is SecretRef {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const ref = (value as { secret_ref?: unknown }).secret_ref;
  return keys.length === 1 && typeof ref === 'string' && UUID_RE.test(ref);
}

export type SecretPath = readonly (string | number)[];

export interface SecretStore {
  /** Encrypts and stores one secret; returns its reference. Runs inside `trx` when given (the event's transaction). */
  put(plaintext: string, opts: { organisationId?: string | null; purpose?: string }, trx?: Db): Promise<SecretRef>;
  /** put() for many secrets in one statement (createBatch seals a password per job); references in input order. */
  putMany(plaintexts: readonly string[], opts: { organisationId?: string | null; purpose?: string }, trx?: Db): Promise<SecretRef[]>;
  /** Decrypts a reference. */
  reveal(ref: SecretRef): Promise<string>;
  /** Returns a copy of `value` with every string at `paths` (`*` matches any key or index) replaced by a reference. */
  seal<T>(value: T, paths: readonly SecretPath[], opts: { organisationId?: string | null; purpose?: string }, trx?: Db): Promise<T>;
  /** Returns a copy of `value` with every reference (anywhere) replaced by its plaintext. For workers only. */
  revealDeep<T>(value: T): Promise<T>;
  /** Re-encrypts rows stored under an older configured key with the current key; returns how many were rotated.
   *  Rows under a key this keyring does not hold are left as they are. */
  rotate(batchSize?: number): Promise<number>;
}

export function encrypt(keyring: Keyring, plaintext: string): { keyId: string; nonce: Buffer; ciphertext: Buffer; tag: Buffer } {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyring.current.key, nonce);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { keyId: keyring.current.id, nonce, ciphertext, tag: cipher.getAuthTag() };
}

export function decrypt(keyring: Keyring, row: { keyId: string; nonce: Buffer; ciphertext: Buffer; tag: Buffer }): string {
  const key = keyring.byId(row.keyId);
  if (!key) throw new SecretError('secret_key_unknown', `secret encrypted with key "${row.keyId}", which is not configured`, false);
  try {
    const d = createDecipheriv('aes-256-gcm', key.key, row.nonce);
    d.setAuthTag(row.tag);
    return Buffer.concat([d.update(row.ciphertext), d.final()]).toString('utf8');
  } catch (cause) {
    throw new SecretError('secret_corrupt', `secret failed authentication under key "${row.keyId}": ${String(cause)}`, false);
  }
}

/** The stored layout: 12-byte IV, 16-byte GCM tag, then the ciphertext. */
function envelope(e: { nonce: Buffer; tag: Buffer; ciphertext: Buffer }): Buffer {
  return Buffer.concat([e.nonce, e.tag, e.ciphertext]);
}
function openEnvelope(keyId: string, buf: Buffer): { keyId: string; nonce: Buffer; tag: Buffer; ciphertext: Buffer } {
  if (buf.length < 28) throw new SecretError('secret_corrupt', `secret envelope is ${buf.length} bytes, shorter than IV + tag`, false);
  return { keyId, nonce: buf.subarray(0, 12), tag: buf.subarray(12, 28), ciphertext: buf.subarray(28) };
}

export function createSecretStore({ db, keyring }: { db: Db; keyring: Keyring }): SecretStore {
  const putMany: SecretStore['putMany'] = async (plaintexts, opts, trx) => {
    if (!opts.organisationId) throw new SecretError('secret_not_found', `a secret needs its organisation (purpose: ${opts.purpose ?? 'unknown'})`, false);
    if (plaintexts.length === 0) return [];
    const ids = plaintexts.map(() => randomUUID());
    const sealed = plaintexts.map((p) => encrypt(keyring, p));
    await sql`insert into encrypted_secrets (id, organisation_id, key_id, ciphertext)
      select id, ${opts.organisationId}, key_id, ciphertext
        from unnest(${ids}::uuid[], ${sealed.map((e) => e.keyId)}::text[], ${sealed.map(envelope)}::bytea[]) as s(id, key_id, ciphertext)`.execute(trx ?? db);
    return ids.map((id) => ({ secret_ref: id }));
  };
  const put: SecretStore['put'] = async (plaintext, opts, trx) => (await putMany([plaintext], opts, trx))[0]!;

  const reveal: SecretStore['reveal'] = async (ref) => {
    const id = ref.secret_ref;
    const { rows } = await sql<{ key_id: string; ciphertext: Buffer }>`select key_id, ciphertext from encrypted_secrets where id = ${id}`.execute(db);
    const row = rows[0];
    if (!row) throw new SecretError('secret_not_found', `secret ${id} does not exist`, false);
    return decrypt(keyring, openEnvelope(row.key_id, row.ciphertext));
  };

  const seal: SecretStore['seal'] = async (value, paths, opts, trx) => {
    const copy = structuredClone(value);
    for (const path of paths) {
      await visit(copy, path, async (s) => put(s, opts, trx));
    }
    return copy;
  };

  const revealDeep: SecretStore['revealDeep'] = async (value) => {
    const walk = async (v: unknown): Promise<unknown> => {
      if (isSecretRef(v)) return reveal(v);
      if (Array.isArray(v)) return Promise.all(v.map(walk));
      if (v && typeof v === 'object') {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) out[k] = await walk(x);
        return out;
      }
      return v;
    };
    return (await walk(value)) as typeof value;
  };

  const rotate: SecretStore['rotate'] = async (batchSize = 500) => {
    let total = 0;
    for (;;) {
      const n = await db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ id: string; key_id: string; ciphertext: Buffer }>`
          select id, key_id, ciphertext from encrypted_secrets
           where key_id <> ${keyring.current.id} and key_id = any(${[...keyring.ids]}::text[])
          limit ${batchSize} for update skip locked`.execute(trx);
        for (const r of rows) {
          const enc = encrypt(keyring, decrypt(keyring, openEnvelope(r.key_id, r.ciphertext)));
          await sql`update encrypted_secrets set key_id = ${enc.keyId}, ciphertext = ${envelope(enc)} where id = ${r.id}`.execute(trx);
        }
        return rows.length;
      });
      total += n;
      if (n < batchSize) return total;
    }
  };

  return { put, putMany, reveal, seal, revealDeep, rotate };
}

async function visit(node: unknown, path: SecretPath, fn: (s: string) => Promise<SecretRef>): Promise<void> {
  if (path.length === 0 || node === null || typeof node !== 'object') return;
  const [head, ...rest] = path;
  const obj = node as Record<string | number, unknown>;
  const keys = head === '*' ? Object.keys(obj) : [String(head)];
  for (const k of keys) {
    if (!(k in obj)) continue;
    if (rest.length === 0) {
      const v = obj[k];
      if (typeof v === 'string' && v !== '') obj[k] = await fn(v); // a reference (object) is already sealed
    } else {
      await visit(obj[k], rest, fn);
    }
  }
}
