// auth.me (who am I: role and organisation from profiles) and auth.devLogin (local mode only: a token for a seeded
// user, for the web client's dev login; with Supabase auth it does not exist).
import { AuthError } from '../../auth/errors';
import { signDevToken } from '../../auth/local';
import { publicProcedure, authedProcedure, router } from '../trpc';
import { devLoginInput } from '../schemas';
import { ApiError } from '../errors';

export const authRouter = router({
  me: authedProcedure.query(async ({ ctx }) => {
    const org = ctx.me.organisationId
      ? await ctx.deps.db.selectFrom('organisations').select(['id', 'name']).where('id', '=', ctx.me.organisationId).executeTakeFirst()
      : undefined;
    return { ...ctx.me, organisationName: org?.name ?? null };
  }),

  /** Whether the server runs in local mode (the web client shows the dev login only then). */
  mode: publicProcedure.query(({ ctx }) => ({ local: ctx.deps.local !== null })),

  devLogin: publicProcedure.input(devLoginInput).mutation(async ({ ctx, input }) => {
    if (!ctx.deps.local) throw new AuthError('not_local_mode', 'dev login exists only in local mode (no Supabase JWT secret or JWKS configured)');
    const profile = await ctx.deps.db.selectFrom('profiles').select(['id', 'email', 'role', 'organisation_id']).where('email', '=', input.email).executeTakeFirst();
    if (!profile) throw new ApiError('not_found', `no user with email ${input.email} (seeded users: regbatch migrate --seed)`, { email: [`no user with email ${input.email}`] });
    const token = await signDevToken(ctx.deps.local.jwtSecret, { id: profile.id, email: profile.email });
    return { token, user: { id: profile.id, email: profile.email, role: profile.role, organisationId: profile.organisation_id } };
  }),
});
