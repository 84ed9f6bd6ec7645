// The sandbox portal over plain HTTP: the signed registration API, CSV import's all-or-nothing rejection,
// the CDN's record-without-fetching upload, session expiry, the duplicate report and the inspection API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxServer, type SandboxServer } from '../src/sandbox/server';
import { createPortalClient, PORTAL_FAULT_ROUTES, registrationSignature, SANDBOX_PORTAL_DEFAULTS, type PortalClient } from '../src/sandbox/portal';
import { seedRestaurant } from '../src/flows/testing';

let sb: SandboxServer;
let portal: PortalClient;
const integrator = SANDBOX_PORTAL_DEFAULTS.integrators[0];

beforeAll(async () => {
  sb = await createSandboxServer();
  portal = createPortalClient(sb.url);
});
afterAll(async () => {
  await sb?.close();
});

const postJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${sb.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const form = (path: string, body: Record<string, string>, cookie = '') =>
  fetch(`${sb.url}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: new URLSearchParams(body).toString() });

async function login(email: string, password: string): Promise<string> {
  const res = await form('/admin/login', { email, password });
  expect(res.status).toBe(302);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

describe('account registration API', () => {
  const start = (email: string, password: string, signature?: string, integratorId: string = integrator.id) =>
    postJson('/cw-api/users/register/start', {
      integrator_id: integratorId,
      email,
      phone: '+6421000111',
      password,
      signature: signature ?? registrationSignature(integrator.secret, email, '+6421000111', password),
    });

  it('refuses an unknown integrator and a wrong signature', async () => {
    expect((await start('a@example.nz', 'long-enough-1', undefined, 'nobody')).status).toBe(401);
    const bad = await start('a@example.nz', 'long-enough-1', registrationSignature('wrong-secret', 'a@example.nz', '+6421000111', 'long-enough-1'));
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ outcome: 1, message: 'Invalid signature' });
  });

  it('registers after verify with the confirmation code, once per e-mail whatever its case', async () => {
    const s = (await (await start('Case@Example.nz', 'long-enough-1')).json()) as { token: string };
    const wrong = await postJson('/cw-api/users/register/verify', { token: s.token, email_confirmation_code: 'nope' });
    expect(wrong.status).toBe(400);
    const ok = await postJson('/cw-api/users/register/verify', { token: s.token, email_confirmation_code: SANDBOX_PORTAL_DEFAULTS.verificationCode });
    expect(await ok.json()).toMatchObject({ outcome: 0 });
    const again = await start('case@example.NZ', 'long-enough-1');
    expect(again.status).toBe(409);
    expect((await portal.accounts()).filter((a) => a.email.toLowerCase() === 'case@example.nz')).toHaveLength(1);
    expect(JSON.stringify(await portal.accounts())).not.toContain('long-enough-1');
  });

  it('answers 429 with Retry-After when the fault is on', async () => {
    await portal.setFault(PORTAL_FAULT_ROUTES.register, { rateLimit: { retryAfterSeconds: 3 }, times: 1 });
    const res = await start('rl@example.nz', 'long-enough-1');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect((await start('rl@example.nz', 'long-enough-1')).status).toBe(200);
  });
});

describe('admin portal', () => {
  it('imports a CSV all-or-nothing: a malformed file is refused with the row, and the menu stays', async () => {
    const { restaurantId } = await seedRestaurant(sb.url, { email: 'csv@example.nz', password: 'csv-password-1', name: 'CSV Kitchen', subdomain: 'csvkitchen' });
    const cookie = await login('csv@example.nz', 'csv-password-1');
    const importCsv = (csv: string, c = cookie) =>
      fetch(`${sb.url}/admin/api/restaurant/${restaurantId}/menus/import`, { method: 'POST', headers: { 'content-type': 'text/csv', cookie: c }, body: csv });
    const good = 'menuName,categoryName,dishName,dishPrice,dishType\nMenu,Mains,"Fish, chips",12.5,standard\nMenu,Mains,Kūmara Fries,9.50,\n';
    expect(await (await importCsv(good)).json()).toEqual({ dishes: 2 });
    const bad = await importCsv('menuName,categoryName,dishName,dishPrice\nMenu,Mains,Pie,$5\n');
    expect(bad.status).toBe(422);
    expect(await bad.json()).toEqual({ error: 'Invalid CSV: row 2: dishPrice "$5" is not a price' });
    expect((await importCsv('menuName,categoryName,dishName\nMenu,Mains,Pie\n')).status).toBe(422);
    expect((await importCsv(good, 'cw_session=nope')).status).toBe(401);
    const menu = await portal.menu(restaurantId);
    expect(menu.items.map((i) => [i.name, i.price, i.type])).toEqual([['Fish, chips', '12.50', 'standard'], ['Kūmara Fries', '9.50', 'standard']]);
    expect(menu.imports).toHaveLength(1);
  });

  it('sends an expired session to the login page, and only shows an account its own restaurants', async () => {
    const a = await seedRestaurant(sb.url, { email: 'owner-a@example.nz', password: 'password-a-1', name: 'A', subdomain: 'ownera' });
    await seedRestaurant(sb.url, { email: 'owner-b@example.nz', password: 'password-b-1', name: 'B', subdomain: 'ownerb' });
    const cookieB = await login('owner-b@example.nz', 'password-b-1');
    expect((await fetch(`${sb.url}/admin/restaurant/${a.restaurantId}`, { headers: { cookie: cookieB } })).status).toBe(404);
    await portal.setSwitches({ expireSessionAfter: 1 });
    expect((await fetch(`${sb.url}/admin/`, { headers: { cookie: cookieB }, redirect: 'manual' })).status).toBe(200);
    const expired = await fetch(`${sb.url}/admin/`, { headers: { cookie: cookieB }, redirect: 'manual' });
    expect(expired.status).toBe(302);
    expect(expired.headers.get('location')).toMatch(/^\/admin\/login\?expired=1/);
  });

  it('keeps a second Stripe method, and the duplicate report names it', async () => {
    const { restaurantId } = await seedRestaurant(sb.url, { email: 'dup@example.nz', password: 'dup-password-1', name: 'Dup', subdomain: 'dupkitchen' });
    const cookie = await login('dup@example.nz', 'dup-password-1');
    for (let i = 0; i < 2; i++) expect((await form(`/admin/restaurant/${restaurantId}/payments/add`, { method: 'stripe' }, cookie)).status).toBe(302);
    expect((await portal.duplicates()).stripeMethods).toEqual([{ key: `${restaurantId}/stripe`, count: 2 }]);
  });
});

describe('image CDN', () => {
  it('records a from_url upload without fetching it, findable by its metadata', async () => {
    const res = await postJson('/cdn/base/from_url/', {
      pub_key: SANDBOX_PORTAL_DEFAULTS.cdn.publicKey,
      source_url: 'https://unreachable.invalid/dish.jpg',
      filename: 'mains-dish.jpg',
      metadata: { sourceId: 'image-1' },
    });
    const up = (await res.json()) as { uuid: string; cdn_url: string };
    expect(up.cdn_url).toContain(`/cdn/${up.uuid}/mains-dish.jpg`);
    const auth = `Uploadcare.Simple ${SANDBOX_PORTAL_DEFAULTS.cdn.publicKey}:${SANDBOX_PORTAL_DEFAULTS.cdn.secretKey}`;
    const found = (await (await fetch(`${sb.url}/cdn/files/?metadata[sourceId]=image-1`, { headers: { authorization: auth } })).json()) as { results: { uuid: string }[] };
    expect(found.results.map((r) => r.uuid)).toEqual([up.uuid]);
    expect((await fetch(`${sb.url}/cdn/files/`)).status).toBe(401);
    expect((await portal.uploads()).cdn.find((f) => f.uuid === up.uuid)?.sourceUrl).toBe('https://unreachable.invalid/dish.jpg');
  });
});
