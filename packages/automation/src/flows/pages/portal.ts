// Page objects for the admin portal and the manage site. Everything is located by role, label or text;
// every navigation and save is checked for the portal's ways of failing (login page = expired session,
// error page / 5xx = server error, an alert = the portal rejected the input).
import type { Locator, Page, Response } from 'playwright-core';
import { FlowError, httpError } from '../errors';
import type { AccountLogin } from '../context';
import type { FlowTools } from '../runtime';

function onLoginPage(page: Page): boolean {
  return new URL(page.url()).pathname.endsWith('/login');
}

export function assertLoggedIn(page: Page, where: string): void {
  if (onLoginPage(page)) throw new FlowError('session_expired', `${where}: the portal sent us back to the login page (session expired)`);
}

async function checkResponse(page: Page, res: Response | null, where: string, loginExpected = false): Promise<void> {
  if (!loginExpected) assertLoggedIn(page, where);
  if (!res) return;
  if (res.status() >= 500 || (await page.getByRole('heading', { name: 'Something went wrong' }).count()) > 0) {
    throw new FlowError('server_error', `${where}: the portal answered ${res.status()}`);
  }
  if (res.status() === 404) throw new FlowError('not_found', `${where}: not found (404)`);
}

export async function gotoPage(t: FlowTools, url: string, where: string, loginExpected = false): Promise<void> {
  t.checkAborted();
  const res = await t.page.goto(url, { waitUntil: 'domcontentloaded' });
  await checkResponse(t.page, res, where, loginExpected);
}

/** Click a submit button and wait for the POST and the page it leads to; then check for failure. */
export async function submit(t: FlowTools, button: Locator, where: string): Promise<void> {
  t.checkAborted();
  const [res] = await Promise.all([
    t.page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
    button.click(),
  ]);
  await t.page.waitForLoadState('domcontentloaded');
  if (res.status() >= 500) throw new FlowError('server_error', `${where}: the portal answered ${res.status()}`);
  await checkResponse(t.page, null, where);
  if (await t.page.getByRole('heading', { name: 'Something went wrong' }).count()) {
    throw new FlowError('server_error', `${where}: the portal showed its error page`);
  }
}

/** Save one settings section (a form named `title`) and require the portal's "saved" confirmation. */
export async function saveSection(t: FlowTools, title: string): Promise<void> {
  const form = t.page.getByRole('form', { name: title, exact: true });
  await submit(t, form.getByRole('button', { name: 'Save' }), `save ${title}`);
  const after = t.page.getByRole('form', { name: title, exact: true });
  const alert = after.getByRole('alert');
  if (await alert.count()) throw new FlowError('validation', `save ${title}: the portal said "${(await alert.innerText()).trim()}"`);
  if (!(await after.getByRole('status').filter({ hasText: 'saved' }).count())) {
    throw new FlowError('verification_failed', `save ${title}: no confirmation that it was saved`);
  }
}

/**
 * Click something that makes the page's script call a portal API (`urlPart`), then map the answer:
 * 401 = session expired, 5xx = server error, 422 = the dialog's alert text as a validation error.
 */
export async function apiAction(t: FlowTools, click: () => Promise<void>, urlPart: string, dialog: Locator, where: string): Promise<Response> {
  t.checkAborted();
  const [res] = await Promise.all([
    t.page.waitForResponse((r) => r.url().includes(urlPart) && r.request().method() !== 'GET'),
    click(),
  ]);
  if (res.status() === 401) throw new FlowError('session_expired', `${where}: session expired`);
  if (res.status() >= 500) throw new FlowError('server_error', `${where}: the portal answered ${res.status()}`);
  if (!res.ok()) {
    const alert = dialog.getByRole('alert');
    await alert.waitFor({ state: 'visible' }).catch(() => {});
    const text = (await alert.innerText().catch(() => '')).trim();
    throw httpError(res.status(), `${where}: the portal said "${text}"`, '');
  }
  return res;
}

/** Log in to a site's login form with tracing paused: the password never enters a trace. */
async function login(t: FlowTools, loginUrl: string, email: string, passwordRef: string, where: string): Promise<void> {
  await gotoPage(t, loginUrl, where, true);
  const password = await t.secret(passwordRef);
  await t.untraced(async () => {
    const page = t.page;
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/login')),
      page.getByRole('button', { name: 'Login' }).click(),
    ]);
    await page.waitForLoadState('domcontentloaded');
    if (res.status() >= 500) throw new FlowError('server_error', `${where}: login answered ${res.status()}`);
    if (res.status() === 401 || onLoginPage(page)) {
      throw new FlowError('login_failed', `${where}: the portal rejected the login for ${email}`);
    }
  });
}

export function adminUrl(t: FlowTools, path: string): string {
  return `${t.ctx.settings.adminUrl.replace(/\/$/, '')}${path}`;
}

export async function loginAdmin(t: FlowTools, account: AccountLogin): Promise<void> {
  await login(t, adminUrl(t, '/login'), account.email, account.passwordRef, 'admin login');
}

export async function loginManage(t: FlowTools): Promise<void> {
  const s = t.ctx.settings;
  await login(t, `${s.manageUrl.replace(/\/$/, '')}/login`, s.manageEmail, s.managePasswordRef, 'manage login');
}

/** Open a restaurant page by its stored platform id (never "the first in the list"). */
export async function openRestaurant(t: FlowTools, restaurantId: string, path = ''): Promise<void> {
  if (!/^RES[0-9A-Za-z]+$/.test(restaurantId)) throw new FlowError('missing_input', `platform restaurant id "${restaurantId}" is not a RES… id`);
  await gotoPage(t, adminUrl(t, `/restaurant/${restaurantId}${path}`), `restaurant ${restaurantId}${path}`);
}

/** The rows of a table (by accessible name) as cell texts. */
export async function tableRows(page: Page, name: string): Promise<string[][]> {
  const table = page.getByRole('table', { name, exact: true });
  if (!(await table.count())) return [];
  return table.locator('tbody tr').evaluateAll((rows) =>
    rows.map((r) => Array.from((r as unknown as { cells: ArrayLike<{ textContent: string | null }> }).cells, (c) => (c.textContent ?? '').trim())),
  );
}

/** Tick every checkbox in the item tree whose label is exactly `name` (duplicates in "Featured" too). */
export async function tickItem(dialog: Locator, name: string): Promise<number> {
  const boxes = await dialog.getByRole('checkbox', { name, exact: true }).all();
  for (const b of boxes) await b.check();
  return boxes.length;
}
