-- API-owned: the organisation-wide live stream (batches.onListChange: the batch list and the review inbox) reads the
-- batch-level events of the caller's organisations in commit order, (txid, id), from a cursor.
create index if not exists idx_registration_job_events_org_batch_level
  on public.registration_job_events using btree (organisation_id, txid, id)
  where job_id is null;
