// tRPC initialisation: context, the error formatter (field errors, readable messages, no stacks), the middleware
// that maps every domain error in one place, and the procedure levels: public, authed (401 without a valid token),
// admin (403 for a plain user).
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { AuthError } from '../auth/errors';
import { isAdmin, type AuthUser } from '../auth/users';
import type { Context } from './context';
import { errorData, toTRPCError, zodFieldErrors } from './errors';

const t = initTRPC.context<Context>().create({
  isDev: false,
  sse: {
    ping: { enabled: true, intervalMs: 10_000 },
    client: { reconnectAfterInactivityMs: 30_000 },
  },
  errorFormatter({ shape, error }) {
    const extra = errorData(error);
    let message = shape.message;
    if (error.cause instanceof ZodError) {
      const fields = zodFieldErrors(error.cause);
      message = `invalid input: ${Object.entries(fields)
        .map(([path, messages]) => `${path}: ${messages.join(', ')}`)
        .join('; ')}`;
    }
    return { ...shape, message, data: { ...shape.data, ...extra } };
  },
});

const mapErrors = t.middleware(async ({ next, ctx, path }) => {
  const result = await next();
  if (!result.ok) {
    const err = result.error;
    // Thrown domain errors arrive wrapped as INTERNAL_SERVER_ERROR (cause = the error); input errors as BAD_REQUEST (cause = ZodError).
    const mapped = toTRPCError(err.code === 'INTERNAL_SERVER_ERROR' || err.cause instanceof ZodError ? (err.cause ?? err) : err);
    ctx.deps.metrics.httpErrors.inc({ code: mapped.code });
    if (mapped.code === 'INTERNAL_SERVER_ERROR') ctx.log.error({ err: result.error.cause ?? result.error, path }, 'procedure failed');
    throw mapped;
  }
  return result;
});

const requireUser = t.middleware(async ({ ctx, next }) => {
  let user: AuthUser | null;
  try {
    user = await ctx.user();
  } catch (error) {
    throw toTRPCError(error);
  }
  if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'sign in: send "Authorization: Bearer <token>"' });
  return next({ ctx: { ...ctx, me: user } });
});

const requireAdmin = t.middleware(async ({ ctx, next }) => {
  const me = (ctx as Context & { me?: AuthUser }).me;
  if (!me || !isAdmin(me)) throw toTRPCError(new AuthError('forbidden', 'this action needs the admin role'));
  return next();
});

export const router = t.router;
export const publicProcedure = t.procedure.use(mapErrors);
export const authedProcedure = publicProcedure.use(requireUser);
export const adminProcedure = authedProcedure.use(requireAdmin);
export const createCallerFactory = t.createCallerFactory;
