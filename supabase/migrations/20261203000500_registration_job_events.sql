-- Append-only log of every event the engine applied (DESIGN §4): what happened, to which job or batch, at which
-- revision, the state value before and after, and who sent it. The UI's history and audits read it.

create table if not exists public.registration_job_events (
  id bigserial primary key,
  job_id uuid null references public.registration_jobs (id) on delete cascade,
  batch_id uuid null references public.registration_batch_jobs (id) on delete cascade,
  organisation_id uuid not null references public.organisations (id) on delete cascade,
  -- The target row's revision after this event was applied.
  revision bigint not null,
  event jsonb not null,
  -- XState state values (a string or a nested object), hence jsonb.
  state_before jsonb null,
  state_after jsonb null,
  -- e.g. "user:<uuid>", "engine", "worker:<id>".
  actor text not null,
  created_at timestamp with time zone not null default now(),
  constraint registration_job_events_target_check check (job_id is not null or batch_id is not null)
);

create index if not exists idx_registration_job_events_job on public.registration_job_events using btree (job_id, id);
create index if not exists idx_registration_job_events_batch on public.registration_job_events using btree (batch_id, id);
create index if not exists idx_registration_job_events_org on public.registration_job_events using btree (organisation_id, created_at desc);

alter table public.registration_job_events enable row level security;
revoke all on public.registration_job_events from anon, authenticated;
revoke all on sequence public.registration_job_events_id_seq from anon, authenticated;
grant select on public.registration_job_events to authenticated;
grant all on public.registration_job_events to service_role;
grant all on sequence public.registration_job_events_id_seq to service_role;
drop policy if exists "registration_job_events_org_read" on public.registration_job_events;
drop policy if exists "registration_job_events_super_admin_read" on public.registration_job_events;
create policy "registration_job_events_org_read" on public.registration_job_events
  for select to authenticated using (public.has_org_access(organisation_id));
create policy "registration_job_events_super_admin_read" on public.registration_job_events
  for select to authenticated using ((select public.is_super_admin()));
