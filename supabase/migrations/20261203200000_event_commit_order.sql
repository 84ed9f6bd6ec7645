-- API-owned: a commit-order cursor for the batch event stream (DESIGN §7). bigserial ids are handed out when a row
-- is inserted, not when its transaction commits, so a stream resuming "after id N" could skip an event committed
-- later with a smaller id. Each event records the id of the transaction that wrote it; the API delivers only events
-- of transactions older than its snapshot's xmin (all finished), ordered by (txid, id). Writers take no extra lock.
-- Existing rows keep null (read as 0: history from before the column).

alter table public.registration_job_events add column if not exists txid xid8 null;
alter table public.registration_job_events alter column txid set default pg_current_xact_id();

create index if not exists idx_registration_job_events_batch_txid
  on public.registration_job_events using btree (batch_id, txid, id);
