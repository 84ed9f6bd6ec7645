// restaurants.list: what can go into a batch (search by name; optionally only those in no unfinished batch).
import { sql } from 'kysely';
import { asUser, endUserRole, visibleOrganisations } from '../context';
import { iso } from '../rows';
import { authedProcedure, router } from '../trpc';
import { restaurantsListInput } from '../schemas';

export const restaurantsRouter = router({
  list: authedProcedure.input(restaurantsListInput).query(({ ctx, input }) =>
    asUser(ctx.deps.db, ctx.me, async (trx) => {
      const orgs = await visibleOrganisations(trx);
      await endUserRole(trx);
      const search = input.search ? sql`and r.name ilike ${`%${input.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}` : sql``;
      const available = input.availableOnly
        ? sql`and not exists (select 1 from registration_jobs j join registration_batch_jobs b on b.id = j.batch_job_id
                where j.restaurant_id = r.id and b.status not in ('completed', 'failed', 'cancelled'))`
        : sql``;
      const { rows } = await sql<{
        id: string; name: string; address: string | null; city: string | null; email: string | null; phone: string | null;
        onboarding_status: string | null; has_menu: boolean; created_at: Date | null; batches: string; total: string;
      }>`
        select r.id, r.name, r.address, r.city, r.email, r.phone, r.onboarding_status, r.menu_source is not null as has_menu, r.created_at,
               (select count(*) from registration_jobs j where j.restaurant_id = r.id)::text as batches,
               count(*) over ()::text as total
          from restaurants r
         where r.organisation_id = any(${orgs}::uuid[]) ${search} ${available}
         order by r.created_at desc nulls last, r.name, r.id
         limit ${input.limit} offset ${input.offset}`.execute(trx);
      const total = rows[0] ? Number(rows[0].total) : 0;
      return {
        items: rows.map((r) => ({
          id: r.id,
          name: r.name,
          address: r.address,
          city: r.city,
          email: r.email,
          phone: r.phone,
          onboardingStatus: r.onboarding_status,
          hasMenuSource: r.has_menu,
          createdAt: iso(r.created_at),
          inBatches: Number(r.batches),
        })),
        total,
        nextOffset: input.offset + rows.length < total ? input.offset + rows.length : null,
      };
    }),
  ),
});
