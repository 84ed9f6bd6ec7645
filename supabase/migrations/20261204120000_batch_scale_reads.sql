-- Batch-scale reads (issue 9; DESIGN §11: paginated list, detail, inbox and counter reads in ≤ 50 ms for a
-- 10,000-restaurant batch), as `pnpm bench:scale` measured them with auto_explain. Safe to re-run on a live database.

-- A job's machine state (its snapshot's `value`) in a column of its own. The state heatmap (batches.stateCounts)
-- grouped every job of the batch by it, and taking `value` out of a snapshot detoasts all of it (≈6 KB per job, so
-- ≈60 MB for 10,000 jobs: 165-250 ms on this machine); the stored column is a few bytes, inline in the row. Written by
-- PostgreSQL on every snapshot write, so the engine, which alone writes snapshots, needs no change.
alter table public.registration_jobs
  add column if not exists machine_state jsonb generated always as (machine_snapshot -> 'value') stored;
-- PostgreSQL alone writes it: take back the column grants 20261203000200 gives every other column when it re-runs
-- (so a re-run of every file leaves the grants as the first run did).
revoke insert (machine_state), update (machine_state) on public.registration_jobs from anon, authenticated;

-- Jobs of a batch by status: the detail's jobsByStatus counter and jobs.list's status filter and count read the
-- index alone (index-only scan) instead of every job row of the batch.
create index if not exists idx_registration_jobs_batch_status
  on public.registration_jobs using btree (batch_job_id, status);

-- Steps waiting for a person: action_required, or step 2's search failed (the API's PENDING_REVIEW_STEP, written the
-- same way so the planner proves the predicate). A few hundred rows in a 10,000-job batch: the review inbox, the
-- batches' pending-review counts and the "needs attention" tab start here instead of joining 60,000 step rows.
create index if not exists idx_registration_job_steps_pending_review
  on public.registration_job_steps using btree (job_id) include (step_number, status)
  where (status = 'action_required' or (step_number = 2 and status = 'failed'));

-- The detail's per-step counters group the batch's steps by (step_number, status): one index probe per job that
-- reads the index alone.
create index if not exists idx_registration_job_steps_job_step_status
  on public.registration_job_steps using btree (job_id, step_number, status);
