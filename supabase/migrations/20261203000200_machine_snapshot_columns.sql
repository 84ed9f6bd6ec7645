-- The engine's persisted statechart on the batch and job rows (DESIGN §4): snapshot, machine version, and a
-- revision that makes every engine write conditional. Only the engine (service role) writes them.

alter table public.registration_batch_jobs
  add column if not exists machine_snapshot jsonb null,
  add column if not exists machine_version integer null,
  add column if not exists revision bigint not null default 0;

alter table public.registration_jobs
  add column if not exists machine_snapshot jsonb null,
  add column if not exists machine_version integer null,
  add column if not exists revision bigint not null default 0;

-- Users may not write these columns. A column REVOKE is ignored while a table-wide grant exists (Supabase grants
-- ALL on public), so the table-wide INSERT/UPDATE is replaced by column grants on every other column, computed
-- from the catalogue so the live database's extra columns stay writable. A later migration that adds a column
-- users may write must grant it: `grant insert (col), update (col) on <table> to anon, authenticated`.
do $$
declare
  t text;
  cols text;
begin
  foreach t in array array['registration_batch_jobs', 'registration_jobs'] loop
    execute format('revoke insert, update on public.%I from anon, authenticated', t);
    select string_agg(quote_ident(a.attname), ', ' order by a.attnum)
      into cols
      from pg_attribute a
     where a.attrelid = format('public.%I', t)::regclass
       and a.attnum > 0
       and not a.attisdropped
       and a.attname not in ('machine_snapshot', 'machine_version', 'revision');
    execute format('grant insert (%s), update (%s) on public.%I to anon, authenticated', cols, cols, t);
  end loop;
end
$$;
