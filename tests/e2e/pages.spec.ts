// Every page, with real data: axe-core finds no serious or critical violation, nothing scrolls sideways at
// 1280×800, and a screenshot of each goes into the test output.
import type { Page, TestInfo } from '@playwright/test';
import {
  test,
  expect,
  createBatch,
  expectAccessible,
  expectNoHorizontalScroll,
  screenshot,
  signInAs,
  USERS,
  Api,
  type BrowserGlobals,
} from './support/fixtures';
import { reviewsOf } from './support/waits';

async function check(page: Page, testInfo: TestInfo, name: string) {
  await expectNoHorizontalScroll(page, name);
  await expectAccessible(page, name);
  await screenshot(page, testInfo, name);
}

test('every page is accessible, fits 1280 wide, and is captured', async ({ page }, testInfo) => {
  test.setTimeout(480_000);
  const api = await Api.as(USERS.adminA);
  const { batchId, jobIds } = await createBatch(api, `Pages ${Date.now()}`, 2, { start: true });
  const selections = await reviewsOf(api, batchId, 'company', 2);
  const first = selections.find((s) => s.jobId === jobIds[0])!;
  await api.mutate('reviews.selectCompany', {
    selections: [{ jobId: first.jobId, companyNumber: first.candidates![0]!.company_number }],
  });
  await reviewsOf(api, batchId, 'config', 1);

  await page.goto('/login');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await check(page, testInfo, 'login');

  await signInAs(page, USERS.adminA, '/batches?tab=all');
  await expect(page.locator('tr[data-batch-id]').first()).toBeVisible();
  await check(page, testInfo, 'batches');

  await page.getByRole('button', { name: 'New batch' }).first().click();
  await expect(page.getByRole('dialog', { name: 'New batch' }).getByRole('table')).toBeVisible();
  await check(page, testInfo, 'new-batch');
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Upload leads' }).first().click();
  await expect(page.getByRole('dialog', { name: 'Upload leads' })).toBeVisible();
  await check(page, testInfo, 'upload-leads');
  await page.keyboard.press('Escape');

  await page.goto(`/batches/${batchId}`);
  await expect(page.locator('tr[data-job-id]')).toHaveCount(2);
  await expect(
    page.getByRole('table', { name: 'Restaurants per job state and time in state' }),
  ).toBeVisible();
  await check(page, testInfo, 'batch-detail');

  await page.goto(`/reviews?batch=${batchId}`);
  await expect(page.getByRole('heading', { name: /Company selections \(1\)/ })).toBeVisible({
    timeout: 45_000,
  });
  await expect(page.getByRole('heading', { name: /Configurations \(1\)/ })).toBeVisible();
  await check(page, testInfo, 'review-inbox');
  const editor = page.getByRole('region', { name: /^Configuration of / });
  for (const tab of ['Restaurant', 'Website', 'Services', 'Onboarding']) {
    await editor.getByRole('tab', { name: new RegExp(tab) }).click();
    await expectAccessible(page, `config form: ${tab}`);
  }
  await screenshot(page, testInfo, 'config-form');

  await page.goto(`/jobs/${first.jobId}`);
  // elkjs lays the chart out in the page: allow for a loaded machine.
  await expect(page.getByTestId('statechart')).toBeVisible({ timeout: 60_000 });
  await check(page, testInfo, 'job-detail');

  await page.goto('/settings');
  await expect(page.getByRole('button', { name: 'Save settings' })).toBeVisible();
  await check(page, testInfo, 'settings');

  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { level: 1, name: 'Not found' })).toBeVisible();
  await check(page, testInfo, 'not-found');
  await api.mutate('batches.cancel', { batchId });
});

test('keyboard: the inbox selection is made with the keys alone, with a visible focus', async ({ page }) => {
  test.setTimeout(180_000);
  const api = await Api.as(USERS.adminA);
  const { batchId } = await createBatch(api, `Keys ${Date.now()}`, 1, { start: true });
  await reviewsOf(api, batchId, 'company', 1);
  await signInAs(page, USERS.adminA, `/reviews?batch=${batchId}&kind=company`);
  const card = page
    .getByRole('group')
    .filter({ has: page.getByRole('radiogroup') })
    .first();
  await card.getByRole('radio').first().focus();
  const outline = await page.evaluate(() => {
    const g = globalThis as unknown as BrowserGlobals;
    return g.getComputedStyle(g.document.activeElement).outlineStyle;
  });
  expect(outline).not.toBe('none');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: /Company selections/ })).toHaveCount(0, { timeout: 30_000 });
  await api.mutate('batches.cancel', { batchId });
});
