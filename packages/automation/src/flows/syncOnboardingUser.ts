// Sub-step 10: the onboarding record in the separate onboarding database: look the record up by the
// user's e-mail (RPC), update the non-empty fields, read them back. An update is naturally idempotent.
import { FlowError } from './errors';
import { httpFlow } from './runtime';

export interface SyncOnboardingUserInput {
  userEmail: string;
  /** user_onboarding columns: restaurant_name, restaurant_id (RES…), stripe_connect_link, logo_url, … */
  fields: Record<string, string | null | undefined>;
}

export interface SyncOnboardingUserOutput {
  onboardingId: string;
  updatedFields: string[];
}

export const syncOnboardingUser = httpFlow<SyncOnboardingUserInput, SyncOnboardingUserOutput>('syncOnboardingUser', async (t, input) => {
  const s = t.ctx.settings;
  const base = s.onboardingUrl.replace(/\/$/, '');
  const headers = { apikey: await t.secret(s.onboardingKeyRef), 'content-type': 'application/json' };
  const found = await t.json<{ onboarding_id: string }[]>(`${base}/rest/v1/rpc/get_onboarding_id_by_email`, {
    what: 'onboarding lookup',
    method: 'POST',
    headers,
    body: JSON.stringify({ user_email: input.userEmail }),
  });
  const id = found.body[0]?.onboarding_id;
  if (!id) throw new FlowError('not_found', `no onboarding record for ${input.userEmail}`);
  const fields = Object.fromEntries(Object.entries(input.fields).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
  await t.json<unknown>(`${base}/rest/v1/user_onboarding?id=eq.${encodeURIComponent(id)}`, {
    what: 'onboarding update',
    method: 'PATCH',
    headers: { ...headers, prefer: 'return=representation' },
    body: JSON.stringify(fields),
  });
  const back = await t.json<Record<string, unknown>[]>(`${base}/rest/v1/user_onboarding?id=eq.${encodeURIComponent(id)}`, { what: 'onboarding read-back', headers });
  const row = back.body[0] ?? {};
  const wrong = Object.entries(fields).filter(([k, v]) => row[k] !== v).map(([k]) => k);
  if (wrong.length) throw new FlowError('verification_failed', `onboarding record reads back different for ${wrong.join(', ')}`);
  return { onboardingId: id, updatedFields: Object.keys(fields) };
});
