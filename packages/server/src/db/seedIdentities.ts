// The identities supabase/seed.sql creates (fixed ids and emails), for the dev-token, the API and tests.
// Keep in step with supabase/seed.sql.

export const SEED_ORGANISATIONS = {
  a: { id: '0a000000-0000-4000-8000-000000000001', name: 'Organisation A' },
  b: { id: '0b000000-0000-4000-8000-000000000001', name: 'Organisation B' },
} as const;

export const SEED_USERS = {
  userA: { id: '0a000000-0000-4000-8000-0000000000a1', email: 'user@org-a.example', role: 'user', organisationId: SEED_ORGANISATIONS.a.id },
  adminA: { id: '0a000000-0000-4000-8000-0000000000a2', email: 'admin@org-a.example', role: 'admin', organisationId: SEED_ORGANISATIONS.a.id },
  userB: { id: '0b000000-0000-4000-8000-0000000000b1', email: 'user@org-b.example', role: 'user', organisationId: SEED_ORGANISATIONS.b.id },
  adminB: { id: '0b000000-0000-4000-8000-0000000000b2', email: 'admin@org-b.example', role: 'admin', organisationId: SEED_ORGANISATIONS.b.id },
  superAdmin: { id: '05000000-0000-4000-8000-000000000005', email: 'superadmin@regbatch.example', role: 'super_admin', organisationId: null },
} as const;

export type SeedUser = (typeof SEED_USERS)[keyof typeof SEED_USERS];
