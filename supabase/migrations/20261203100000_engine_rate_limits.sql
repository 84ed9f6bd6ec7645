-- Engine-owned: the shared clock of per-target rate limits (DESIGN §4). Workers in any process read and advance
-- `next_allowed_at` while claiming, under one advisory lock, so e.g. account creation keeps its minimum gap per
-- platform integrator across every worker. Only the engine's service connection touches it.

create table if not exists public.registration_rate_limits (
  key text not null primary key,
  next_allowed_at timestamp with time zone not null default now(),
  updated_at timestamp with time zone not null default now()
);

alter table public.registration_rate_limits enable row level security;
revoke all on public.registration_rate_limits from anon, authenticated;
grant all on public.registration_rate_limits to service_role;
