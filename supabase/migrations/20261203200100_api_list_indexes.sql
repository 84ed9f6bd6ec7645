-- API-owned: the job list of a batch pages in creation order (jobs.list, the batch's restaurant chips); without this
-- index a page deep into a 10,000-job batch sorts the whole batch.
create index if not exists idx_registration_jobs_batch_created
  on public.registration_jobs using btree (batch_job_id, created_at, id);
