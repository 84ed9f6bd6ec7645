-- Development and test identities: two organisations, a user and an admin in each, and one super admin.
-- Nothing else. The ids and emails are fixed: the API's dev-token and the tests use them
-- (mirrored in packages/server/src/db/seedIdentities.ts; keep both in step). Re-runnable.
-- No passwords: sign in locally with `regbatch dev-token`, not GoTrue.

insert into public.organisations (id, name, settings) values
  ('0a000000-0000-4000-8000-000000000001', 'Organisation A', '{}'::jsonb),
  ('0b000000-0000-4000-8000-000000000001', 'Organisation B', '{}'::jsonb)
on conflict (id) do nothing;

insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at) values
  ('00000000-0000-0000-0000-000000000000', '0a000000-0000-4000-8000-0000000000a1', 'authenticated', 'authenticated', 'user@org-a.example', now(), '{"provider":"email","providers":["email"]}', '{"name":"User A"}', now(), now()),
  ('00000000-0000-0000-0000-000000000000', '0a000000-0000-4000-8000-0000000000a2', 'authenticated', 'authenticated', 'admin@org-a.example', now(), '{"provider":"email","providers":["email"]}', '{"name":"Admin A"}', now(), now()),
  ('00000000-0000-0000-0000-000000000000', '0b000000-0000-4000-8000-0000000000b1', 'authenticated', 'authenticated', 'user@org-b.example', now(), '{"provider":"email","providers":["email"]}', '{"name":"User B"}', now(), now()),
  ('00000000-0000-0000-0000-000000000000', '0b000000-0000-4000-8000-0000000000b2', 'authenticated', 'authenticated', 'admin@org-b.example', now(), '{"provider":"email","providers":["email"]}', '{"name":"Admin B"}', now(), now()),
  ('00000000-0000-0000-0000-000000000000', '05000000-0000-4000-8000-000000000005', 'authenticated', 'authenticated', 'superadmin@regbatch.example', now(), '{"provider":"email","providers":["email"]}', '{"name":"Super Admin"}', now(), now())
on conflict (id) do nothing;

-- The super admin belongs to no organisation: has_org_access lets the role through everywhere.
insert into public.profiles (id, email, name, role, organisation_id) values
  ('0a000000-0000-4000-8000-0000000000a1', 'user@org-a.example', 'User A', 'user', '0a000000-0000-4000-8000-000000000001'),
  ('0a000000-0000-4000-8000-0000000000a2', 'admin@org-a.example', 'Admin A', 'admin', '0a000000-0000-4000-8000-000000000001'),
  ('0b000000-0000-4000-8000-0000000000b1', 'user@org-b.example', 'User B', 'user', '0b000000-0000-4000-8000-000000000001'),
  ('0b000000-0000-4000-8000-0000000000b2', 'admin@org-b.example', 'Admin B', 'admin', '0b000000-0000-4000-8000-000000000001'),
  ('05000000-0000-4000-8000-000000000005', 'superadmin@regbatch.example', 'Super Admin', 'super_admin', null)
on conflict (id) do nothing;
