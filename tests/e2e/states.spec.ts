// Designed states: the empty list (an organisation without batches), and the server being down (before and after
// signing in) render as designed pages with a way to try again, never a blank screen.
import { test, expect, screenshot, signInAs, USERS } from './support/fixtures';

test('an organisation without batches sees the empty state with the ways in', async ({ page }, testInfo) => {
  await signInAs(page, USERS.userB, '/batches?tab=all');
  const empty = page.getByRole('region', { name: 'No batches here yet' });
  await expect(empty).toBeVisible();
  await expect(empty.getByRole('button', { name: 'Upload leads' })).toBeVisible();
  await expect(empty.getByRole('button', { name: 'Create a batch' })).toBeVisible();
  await screenshot(page, testInfo, 'batches-empty');
});

test('with the server down, the login page and a signed-in page show the error state and recover', async ({
  page,
}, testInfo) => {
  await page.route('**/trpc/**', (route) => route.abort('connectionrefused'));
  await page.goto('/login');
  await expect(page.getByRole('alert')).toContainText('The server cannot be reached');
  await screenshot(page, testInfo, 'login-server-down');

  const page2 = await page.context().newPage();
  await page2.route('**/trpc/**', (route) => route.abort('connectionrefused'));
  await signInAs(page2, USERS.adminA, '/batches');
  const alert = page2.getByRole('alert');
  await expect(alert).toContainText('The server cannot be reached');
  await screenshot(page2, testInfo, 'batches-server-down');
  await page2.unroute('**/trpc/**');
  await alert.getByRole('button', { name: 'Try again' }).click();
  await expect(page2.getByRole('heading', { level: 1, name: 'Batches' })).toBeVisible();
});
