-- Engine-owned: the effects ledger of the `simulate` task handlers (DESIGN §4), the stand-in for the outside world
-- in tests, benchmarks and dry runs. Every simulated "create" looks its idempotency key up here first, as the real
-- flows check the portal. Deliberately NOT unique on the key: a duplicate effect must be observable, not prevented.

create table if not exists public.simulate_effects (
  id bigserial primary key,
  idempotency_key text not null,
  kind text not null,
  job_id uuid null,
  organisation_id uuid null,
  attempt integer not null,
  worker text null,
  effect jsonb not null default '{}'::jsonb,
  started_at timestamp with time zone not null,
  finished_at timestamp with time zone not null default now()
);

create index if not exists idx_simulate_effects_key on public.simulate_effects using btree (idempotency_key);
create index if not exists idx_simulate_effects_job on public.simulate_effects using btree (job_id);

alter table public.simulate_effects enable row level security;
revoke all on public.simulate_effects from anon, authenticated;
grant all on public.simulate_effects to service_role;
grant all on sequence public.simulate_effects_id_seq to service_role;
