// Where the real handlers point, from organisations.settings in a real database: a sandbox-target organisation is
// driven against the worker's sandbox with the sandbox's own credentials; a production-target one must name every
// URL and secret, and its secrets are decrypted through the engine's store only when a flow asks for them.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_PORTAL_DEFAULTS } from '@regbatch/automation';
import { SEED_ORGANISATIONS, TaskFailure, createEngineRuntime, createRealHandlers, parseKeyringSpec, type EngineRuntime } from '@regbatch/server';
import { createTestDatabase, type TestDatabase } from '@regbatch/server/testing';
import { log } from './support';

const ORG = SEED_ORGANISATIONS.b.id;
let tdb: TestDatabase;
let rt: EngineRuntime;

beforeAll(async () => {
  tdb = await createTestDatabase();
  rt = createEngineRuntime({ url: tdb.url, log, keyring: parseKeyringSpec(`hs:${randomBytes(32).toString('base64')}`), poolSize: 4 });
});
afterAll(async () => {
  await rt?.close();
  await tdb?.drop();
});

const setSettings = (settings: Record<string, unknown>) =>
  sql`update public.organisations set settings = ${JSON.stringify(settings)}::jsonb where id = ${ORG}`.execute(rt.db);

const resolverFor = (sandboxUrl: string | null) => createRealHandlers({ db: rt.db, secrets: rt.secrets, log, sandboxUrl, artifacts: null }).settings;

async function failure(p: Promise<unknown>): Promise<TaskFailure> {
  try {
    await p;
  } catch (err) {
    return err as TaskFailure;
  }
  throw new Error('expected a failure');
}

describe('organisation settings for the real handlers', () => {
  it('a sandbox-target organisation without URLs is driven against the worker’s sandbox, with the sandbox’s credentials', async () => {
    await setSettings({ target: 'sandbox' });
    const t = await resolverFor('http://127.0.0.1:4999/').forOrganisation(ORG);
    expect(t.kind).toBe('sandbox');
    expect(t.portal).toMatchObject({ adminUrl: 'http://127.0.0.1:4999/admin', apiUrl: 'http://127.0.0.1:4999/cw-api', cdnUrl: 'http://127.0.0.1:4999/cdn' });
    expect(t.registry).toMatchObject({ nzbnBaseUrl: 'http://127.0.0.1:4999/gateway/nzbn/v5', registerBaseUrl: 'http://127.0.0.1:4999' });
    expect(t.allowedHosts).toEqual(['127.0.0.1:4999']);
    expect(t.storeUrl('https://www.ubereats.com/nz/store/kowhai-burger-co/sample001')).toBe('http://127.0.0.1:4999/nz/store/kowhai-burger-co/sample001');
    expect(await t.secrets.resolve(t.portal.integratorSecretRef)).toBe(SANDBOX_PORTAL_DEFAULTS.integrators[0].secret);
  });

  it('without a sandbox URL, a sandbox-target organisation without URLs fails its tasks without retry, naming the settings', async () => {
    await setSettings({ target: 'sandbox' });
    const err = await failure(resolverFor(null).forOrganisation(ORG));
    expect(err).toBeInstanceOf(TaskFailure);
    expect(err).toMatchObject({ code: 'settings_missing', retryable: false });
    expect(err.message).toContain('adminUrl');
  });

  it('a production-target organisation must name every URL and secret; stored secrets are decrypted at use', async () => {
    await setSettings({ target: 'production', adminUrl: 'https://admin.pumpd.co.nz' });
    const err = await failure(resolverFor('http://127.0.0.1:4999').forOrganisation(ORG));
    expect(err).toMatchObject({ code: 'settings_missing', retryable: false });
    for (const key of ['manageUrl', 'apiUrl', 'nzbnApiUrl', 'integratorSecret', 'nzbnApiKey']) expect(err.message).toContain(key);
    expect(err.message).not.toContain('adminUrl');

    const secret = async (value: string) => rt.secrets.put(value, { organisationId: ORG, purpose: 'test' });
    await setSettings({
      target: 'production',
      adminUrl: 'https://admin.pumpd.co.nz',
      manageUrl: 'https://manage.pumpd.co.nz',
      manageEmail: 'ops@example.nz',
      apiUrl: 'https://api.cloudwaitress.com/v1',
      integratorId: 'int-1',
      onboardingUrl: 'https://onboarding.example.supabase.co',
      cdnUrl: 'https://api.uploadcare.com',
      cdnPublicKey: 'pub',
      nzbnApiUrl: 'https://api.business.govt.nz/gateway/nzbn/v5',
      registerUrl: 'https://app.companiesoffice.govt.nz',
      managePassword: await secret('manage-pass'),
      integratorSecret: await secret('integrator-secret'),
      verificationCode: await secret('code-123'),
      onboardingKey: await secret('onboarding-key'),
      nzbnApiKey: await secret('nzbn-key'),
      cdnSecret: await secret('cdn-secret'),
    });
    const t = await resolverFor('http://127.0.0.1:4999').forOrganisation(ORG);
    expect(t.kind).toBe('production');
    expect(t.registry).toMatchObject({ nzbnSubscriptionKey: 'nzbn-key', registerBaseUrl: 'https://app.companiesoffice.govt.nz' });
    expect(await t.secrets.resolve(t.portal.integratorSecretRef)).toBe('integrator-secret');
    expect(await t.secrets.resolve(t.portal.managePasswordRef)).toBe('manage-pass');
    // The portal settings themselves carry references only.
    expect(JSON.stringify(t.portal)).not.toContain('integrator-secret');
    expect(t.allowedHosts).not.toContain('127.0.0.1:4999');
    expect(t.storeUrl('https://www.ubereats.com/nz/store/x/1')).toBe('https://www.ubereats.com/nz/store/x/1');
  });
});
