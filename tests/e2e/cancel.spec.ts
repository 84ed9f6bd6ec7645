// Cancel: an admin cancels a running batch (with confirmation) and sees it end cancelled everywhere: the header,
// every restaurant row, and the Cancelled tab of the list. Before that, the list shows the batch's start live.
import { test, expect, createBatch, screenshot, signInAs, USERS, Api } from './support/fixtures';

test('cancelling a running batch ends it cancelled everywhere', async ({ page }, testInfo) => {
  const api = await Api.as(USERS.adminA);
  const name = `Cancel ${Date.now()}`;
  const { batchId } = await createBatch(api, name, 2);
  // The list follows the organisation's batch stream: a start made elsewhere shows without a reload.
  await signInAs(page, USERS.adminA, '/batches?tab=all');
  const listRow = page.getByRole('row', { name });
  await expect(listRow).toContainText('pending');
  await expect(page.getByRole('status', { name: 'Live updates: Live' })).toBeVisible();
  await api.mutate('batches.start', { batchId });
  await expect(listRow).toContainText('in progress');
  await listRow.getByRole('link', { name }).click();
  await expect(
    page.getByRole('heading', { level: 1, name }).locator('..').getByText('in progress'),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Cancel batch' }).click();
  const confirm = page.getByRole('dialog', { name: 'Cancel this batch?' });
  await confirm.getByRole('button', { name: 'Cancel batch' }).click();
  await expect(
    page.getByRole('heading', { level: 1, name }).locator('..').getByText('cancelled'),
  ).toBeVisible({ timeout: 30_000 });
  const rows = page.locator('tr[data-job-id]');
  await expect(rows).toHaveCount(2);
  await expect
    .poll(async () => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status'))), {
      timeout: 30_000,
    })
    .toEqual(['cancelled', 'cancelled']);
  await expect(page.getByRole('button', { name: 'Cancel batch' })).toHaveCount(0);
  await screenshot(page, testInfo, 'batch-cancelled');
  await page.getByRole('link', { name: 'Batches', exact: true }).click();
  await page.getByRole('tab', { name: 'Cancelled' }).click();
  await expect(page.getByRole('row', { name })).toContainText('cancelled');
  const batch = await api.query<{ status: string }>('batches.get', { batchId });
  expect(batch.status).toBe('cancelled');
});
