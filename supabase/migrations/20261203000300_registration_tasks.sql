-- The engine's task table (DESIGN §4): one row per attempt of every task and timer. Workers claim queued rows
-- whose run_at has come with FOR UPDATE SKIP LOCKED; the attempt number fences out stale results.

create table if not exists public.registration_tasks (
  id uuid not null default gen_random_uuid() primary key,
  -- job + task id (e.g. "<job uuid>:step2.searchByName"): the same for every attempt of one task.
  idempotency_key text not null,
  attempt integer not null default 1,
  kind text not null,
  -- The machine's stable task id within its job (the runTask effect's `task`).
  task text not null,
  job_id uuid null references public.registration_jobs (id) on delete cascade,
  batch_id uuid null references public.registration_batch_jobs (id) on delete cascade,
  organisation_id uuid not null references public.organisations (id) on delete cascade,
  input jsonb not null default '{}'::jsonb,
  status text not null default 'queued',
  priority integer not null default 0,
  run_at timestamp with time zone not null default now(),
  lease_owner text null,
  lease_expires_at timestamp with time zone null,
  heartbeat_at timestamp with time zone null,
  output jsonb null,
  error jsonb null,
  artifacts jsonb not null default '[]'::jsonb,
  started_at timestamp with time zone null,
  finished_at timestamp with time zone null,
  created_at timestamp with time zone not null default now(),
  updated_at timestamp with time zone not null default now(),
  constraint registration_tasks_attempt_unique unique (idempotency_key, attempt),
  constraint registration_tasks_attempt_check check (attempt >= 1),
  constraint registration_tasks_status_check check (
    status = any (array['queued', 'running', 'succeeded', 'failed', 'cancelled'])
  ),
  constraint registration_tasks_lease_check check (status <> 'running' or lease_expires_at is not null)
);

-- Claim path: queued tasks of given kinds, due first by priority then run_at. Partial, so finished rows
-- (the vast majority over time) never enter the index.
create index if not exists idx_registration_tasks_claim
  on public.registration_tasks using btree (kind, priority desc, run_at)
  where status = 'queued';
-- Claim path for workers that take any kind, and the next-timer lookup.
create index if not exists idx_registration_tasks_due
  on public.registration_tasks using btree (run_at)
  where status = 'queued';
-- Recovery path: running tasks whose lease has expired (a dead worker).
create index if not exists idx_registration_tasks_lease
  on public.registration_tasks using btree (lease_expires_at)
  where status = 'running';
create index if not exists idx_registration_tasks_job on public.registration_tasks using btree (job_id, created_at);
create index if not exists idx_registration_tasks_batch on public.registration_tasks using btree (batch_id, status);
create index if not exists idx_registration_tasks_org on public.registration_tasks using btree (organisation_id);

create or replace trigger update_registration_tasks_updated_at
  before update on public.registration_tasks
  for each row execute function public.update_updated_at_column();

-- Users read their organisation's tasks (the UI shows every attempt); only the engine writes.
alter table public.registration_tasks enable row level security;
revoke all on public.registration_tasks from anon, authenticated;
grant select on public.registration_tasks to authenticated;
grant all on public.registration_tasks to service_role;
drop policy if exists "registration_tasks_org_read" on public.registration_tasks;
drop policy if exists "registration_tasks_super_admin_read" on public.registration_tasks;
create policy "registration_tasks_org_read" on public.registration_tasks
  for select to authenticated using (public.has_org_access(organisation_id));
create policy "registration_tasks_super_admin_read" on public.registration_tasks
  for select to authenticated using ((select public.is_super_admin()));
