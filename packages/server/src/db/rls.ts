// Runs queries as a Supabase role with JWT claims, the way PostgREST does: inside one transaction,
// `set local role` plus the `request.jwt.claims` setting that auth.uid() / auth.jwt() read. Used to check
// a user's access through RLS before the engine acts with the service role.
import { sql } from 'kysely';
import type { Transaction } from 'kysely';
import type { DB, Db } from './index';

export type SupabaseRole = 'anon' | 'authenticated' | 'service_role';

export interface JwtClaims {
  /** The user's id (auth.users.id / profiles.id). */
  sub?: string;
  email?: string;
  [claim: string]: unknown;
}

/** Runs `run` in a transaction as `role` with `claims`; everything is reset when the transaction ends. */
export async function asRole<T>(
  db: Db,
  role: SupabaseRole,
  claims: JwtClaims,
  run: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('request.jwt.claims', ${JSON.stringify({ ...claims, role })}, true)`.execute(trx);
    await sql`select set_config('role', ${role}, true)`.execute(trx);
    return run(trx);
  });
}

/** asRole for a signed-in user. */
export function asUser<T>(db: Db, userId: string, run: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return asRole(db, 'authenticated', { sub: userId }, run);
}
