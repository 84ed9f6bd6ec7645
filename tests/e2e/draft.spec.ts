// A batch that has not started (here a draft) takes and loses restaurants from its detail page; once it starts the
// list is fixed (no add or remove controls).
import { test, expect, createBatch, screenshot, signInAs, USERS, Api } from './support/fixtures';

test('restaurants are added to and removed from a draft batch until it starts', async ({ page }, testInfo) => {
  const api = await Api.as(USERS.adminA);
  const name = `Draft ${Date.now()}`;
  const { batchId } = await createBatch(api, name, 2, { draft: true });
  await signInAs(page, USERS.adminA, `/batches/${batchId}`);
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  const rows = page.locator('tr[data-job-id]');
  await expect(rows).toHaveCount(2);

  await page.getByRole('button', { name: 'Add restaurants' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add restaurants' });
  const boxes = dialog.getByRole('checkbox', { name: /^Select (?!every)/ });
  await boxes.first().check();
  await expect(dialog.getByText('Restaurants (1 selected)')).toBeVisible();
  await screenshot(page, testInfo, 'draft-add-restaurants');
  await dialog.getByRole('button', { name: 'Add 1 restaurant' }).click();
  await expect(dialog).toBeHidden();
  await expect(rows).toHaveCount(3);

  const first = rows.first();
  const removed = await first.getAttribute('data-job-id');
  await first.getByRole('button', { name: /^Remove .* from the batch$/ }).click();
  await expect(rows).toHaveCount(2);
  await expect(page.locator(`tr[data-job-id="${removed}"]`)).toHaveCount(0);
  await screenshot(page, testInfo, 'draft-after-remove');
  const batch = await api.query<{ totalRestaurants: number; status: string }>('batches.get', { batchId });
  expect(batch).toMatchObject({ totalRestaurants: 2, status: 'draft' });

  // Started, the batch's restaurants are fixed.
  await page.getByRole('button', { name: 'Start batch' }).click();
  await expect(page.getByRole('button', { name: 'Add restaurants' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Remove .* from the batch$/ })).toHaveCount(0);
  await api.mutate('batches.cancel', { batchId });
});
