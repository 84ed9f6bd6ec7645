// Who a verified token belongs to: the `profiles` row (organisation and role) read with the service connection,
// because the token's metadata is user-editable. Cached briefly so a burst of calls costs one lookup.
import type { Db } from '../db/index';
import { AuthError } from './errors';
import type { TokenVerifier } from './verifier';

export type UserRole = 'user' | 'admin' | 'super_admin';

export interface AuthUser {
  readonly id: string;
  readonly email: string;
  readonly role: UserRole;
  /** Null only for a super admin (who sees every organisation through RLS). */
  readonly organisationId: string | null;
}

export interface Authenticator {
  /** Verifies the token and loads the profile; throws AuthError. */
  authenticate(token: string): Promise<AuthUser>;
}

export function isAdmin(user: AuthUser): boolean {
  return user.role === 'admin' || user.role === 'super_admin';
}

export function createAuthenticator(deps: { db: Db; verifier: TokenVerifier; cacheMs?: number }): Authenticator {
  const cacheMs = deps.cacheMs ?? 5_000;
  const cache = new Map<string, { user: AuthUser; until: number }>();

  async function profile(id: string): Promise<AuthUser> {
    const hit = cache.get(id);
    if (hit && hit.until > Date.now()) return hit.user;
    const row = await deps.db
      .selectFrom('profiles')
      .select(['id', 'email', 'role', 'organisation_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new AuthError('no_profile', `user ${id} has no profile: ask an administrator to add one`);
    const role: UserRole = row.role === 'admin' || row.role === 'super_admin' ? row.role : 'user';
    if (role !== 'super_admin' && !row.organisation_id) {
      throw new AuthError('no_profile', `user ${id} belongs to no organisation`);
    }
    const user: AuthUser = { id: row.id, email: row.email, role, organisationId: row.organisation_id };
    if (cache.size > 10_000) cache.clear();
    cache.set(id, { user, until: Date.now() + cacheMs });
    return user;
  }

  return {
    async authenticate(token) {
      const verified = await deps.verifier.verify(token);
      return profile(verified.sub);
    },
  };
}
