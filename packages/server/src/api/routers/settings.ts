// settings.get / settings.update: every per-organisation setting (DESIGN §5), stored in organisations.settings.
// Secrets are write-only: stored encrypted (a reference in the settings), reported only as set / not set.
import { sql } from 'kysely';
import { z } from 'zod';
import type { AuthUser } from '../../auth/users';
import { asUser } from '../context';
import { ApiError } from '../errors';
import { adminProcedure, authedProcedure, router } from '../trpc';
import { SETTINGS_SECRET_KEYS, settingsUpdateInput, settingsValues, uuid, type SettingsSecretKey, type SettingsValues } from '../schemas';

export const SETTINGS_DEFAULTS: SettingsValues = {
  target: 'sandbox',
  adminUrl: null,
  manageUrl: null,
  manageEmail: null,
  apiUrl: null,
  integratorId: null,
  onboardingUrl: null,
  cdnUrl: null,
  cdnPublicKey: null,
  nzbnApiUrl: null,
  registerUrl: null,
  accountGapMs: 60_000,
  artifactRetentionDays: 30,
};

const orgInput = z.object({ organisationId: uuid.optional() }).default({});

function organisationOf(me: AuthUser, requested: string | undefined): string {
  const org = requested ?? me.organisationId;
  if (!org) throw new ApiError('invalid_input', 'organisationId: a super admin must name the organisation', { organisationId: ['required for a super admin'] });
  if (requested && requested !== me.organisationId && me.role !== 'super_admin') {
    throw new ApiError('not_found', `organisation ${requested} does not exist or is not visible to you`);
  }
  return org;
}

function view(organisationId: string, name: string, stored: Record<string, unknown>, defaults: Record<string, unknown>) {
  const merged: Record<string, unknown> = { ...SETTINGS_DEFAULTS, ...defaults };
  for (const key of Object.keys(settingsValues.shape)) if (stored[key] !== undefined) merged[key] = stored[key];
  const values = settingsValues.safeParse(merged);
  const secrets = Object.fromEntries(
    SETTINGS_SECRET_KEYS.map((k) => [k, { set: !!stored[k] && typeof stored[k] === 'object' }]),
  ) as Record<SettingsSecretKey, { set: boolean }>;
  return { organisationId, organisationName: name, values: values.success ? values.data : (merged as SettingsValues), secrets };
}

export const settingsRouter = router({
  get: authedProcedure.input(orgInput).query(({ ctx, input }) =>
    asUser(ctx.deps.db, ctx.me, async (trx) => {
      const org = organisationOf(ctx.me, input.organisationId);
      const row = await trx.selectFrom('organisations').select(['id', 'name', 'settings']).where('id', '=', org).executeTakeFirst();
      if (!row) throw new ApiError('not_found', `organisation ${org} does not exist or is not visible to you`);
      return view(row.id, row.name, (row.settings ?? {}) as Record<string, unknown>, ctx.deps.settingsDefaults ?? {});
    }),
  ),

  update: adminProcedure.input(settingsUpdateInput.extend({ organisationId: uuid.optional() })).mutation(async ({ ctx, input }) => {
    const org = organisationOf(ctx.me, input.organisationId);
    // Visible as the user first (RLS), then written with the service connection: users may not write organisations.
    const visible = await asUser(ctx.deps.db, ctx.me, (trx) => trx.selectFrom('organisations').select('id').where('id', '=', org).executeTakeFirst());
    if (!visible) throw new ApiError('not_found', `organisation ${org} does not exist or is not visible to you`);
    return ctx.deps.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('organisations').select(['id', 'name', 'settings']).where('id', '=', org).forUpdate().executeTakeFirstOrThrow();
      const stored = { ...((row.settings ?? {}) as Record<string, unknown>) };
      const dropped: string[] = [];
      for (const key of Object.keys(settingsValues.shape) as (keyof SettingsValues)[]) {
        if (input[key] !== undefined) stored[key] = input[key];
      }
      for (const key of SETTINGS_SECRET_KEYS) {
        const value = input[key];
        if (value === undefined) continue;
        const old = stored[key] as { secret_ref?: string } | undefined;
        if (old?.secret_ref) dropped.push(old.secret_ref);
        if (value === null) delete stored[key];
        else stored[key] = await ctx.deps.secrets.put(value, { organisationId: org, purpose: `settings.${key}` }, trx);
      }
      await trx.updateTable('organisations').set({ settings: JSON.stringify(stored) }).where('id', '=', org).execute();
      if (dropped.length) await sql`delete from encrypted_secrets where id = any(${dropped}::uuid[])`.execute(trx);
      ctx.log.info({ organisationId: org, userId: ctx.me.id, keys: Object.keys(input).filter((k) => k !== 'organisationId') }, 'settings updated');
      return view(row.id, row.name, stored, ctx.deps.settingsDefaults ?? {});
    });
  }),
});
