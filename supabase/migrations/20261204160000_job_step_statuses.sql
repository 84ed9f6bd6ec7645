-- Each job's six step statuses on the job row (issue 9; DESIGN §11: detail reads in ≤ 50 ms for a 10,000-restaurant
-- batch). The batch detail's per-step counters grouped the batch's 60,000 step rows on every read (≈ 112 ms in
-- `pnpm bench:scale`); grouped by this column they read the batch's 10,000 job index entries instead. The engine
-- writes it with the job row, in the same statement, whenever a projected step status changes. Rows written by the
-- original implementation (no machine snapshot) keep it null, and the API counts their steps from the step rows.
-- Safe to re-run on a live database.
alter table public.registration_jobs add column if not exists step_statuses text[];
comment on column public.registration_jobs.step_statuses is
  'registration_job_steps.status of steps 1..6 in step order, written by the engine with each job update; null on rows without a machine snapshot';

-- The engine alone writes it (as it alone writes machine_snapshot): take back the column grants 20261203000200 gives
-- every other column when it re-runs.
revoke insert (step_statuses), update (step_statuses) on public.registration_jobs from anon, authenticated;

-- Jobs the engine wrote before this column existed.
update public.registration_jobs j
   set step_statuses = s.statuses
  from (select job_id, array_agg(status order by step_number) as statuses from public.registration_job_steps group by job_id) s
 where s.job_id = j.id and j.machine_snapshot is not null and j.step_statuses is null;

-- jobsByStatus and the per-step counters in one index-only read of the batch's jobs; it serves every query the
-- (batch_job_id, status) index served, which it replaces.
create index if not exists idx_registration_jobs_batch_status_steps
  on public.registration_jobs using btree (batch_job_id, status, step_statuses);
drop index if exists public.idx_registration_jobs_batch_status;
