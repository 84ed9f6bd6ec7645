-- Secrets (passwords, API keys) encrypted by the engine before anything else sees them (DESIGN §4): snapshots,
-- events, task inputs and rows hold only a reference to a row here. AES-256-GCM; the envelope layout inside
-- `ciphertext` (IV, tag, data) is the engine's; `key_id` names the key so keys can rotate.

create table if not exists public.encrypted_secrets (
  id uuid not null default gen_random_uuid() primary key,
  organisation_id uuid not null references public.organisations (id) on delete cascade,
  ciphertext bytea not null,
  key_id text not null,
  created_at timestamp with time zone not null default now()
);

create index if not exists idx_encrypted_secrets_org on public.encrypted_secrets using btree (organisation_id);

-- Users may see that a secret exists (it is ciphertext); only the engine writes or decrypts.
alter table public.encrypted_secrets enable row level security;
revoke all on public.encrypted_secrets from anon, authenticated;
grant select on public.encrypted_secrets to authenticated;
grant all on public.encrypted_secrets to service_role;
drop policy if exists "encrypted_secrets_org_read" on public.encrypted_secrets;
drop policy if exists "encrypted_secrets_super_admin_read" on public.encrypted_secrets;
create policy "encrypted_secrets_org_read" on public.encrypted_secrets
  for select to authenticated using (public.has_org_access(organisation_id));
create policy "encrypted_secrets_super_admin_read" on public.encrypted_secrets
  for select to authenticated using ((select public.is_super_admin()));
