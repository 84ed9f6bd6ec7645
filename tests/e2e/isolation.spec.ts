// Isolation: a user of another organisation sees none of organisation A's batches (not in any tab, not by URL), and
// a plain user of organisation A sees the batch but no cancel button (cancelling is for admins).
import { test, expect, createBatch, signInAs, USERS, Api } from './support/fixtures';

test('another organisation sees nothing and a plain user has no cancel button', async ({ browser }) => {
  const api = await Api.as(USERS.adminA);
  const name = `Isolation ${Date.now()}`;
  const { batchId, jobIds } = await createBatch(api, name, 1, { start: true });

  const other = await browser.newPage();
  await signInAs(other, USERS.adminB, '/batches?tab=all');
  await expect(other.getByRole('region', { name: 'No batches here yet' })).toBeVisible();
  await expect(other.getByText(name)).toHaveCount(0);
  await other.goto(`/batches/${batchId}`);
  await expect(other.getByRole('alert')).toContainText('does not exist or is not visible to you');
  await other.goto(`/jobs/${jobIds[0]}`);
  await expect(other.getByRole('alert')).toContainText('does not exist or is not visible to you');
  await other.goto('/reviews');
  await expect(other.getByRole('region', { name: 'Nothing waits for you' })).toBeVisible();
  await other.close();

  const plain = await browser.newPage();
  await signInAs(plain, USERS.userA, `/batches/${batchId}`);
  await expect(plain.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(plain.getByRole('button', { name: 'Export CSV' })).toBeVisible();
  await expect(plain.getByRole('button', { name: 'Cancel batch' })).toHaveCount(0);
  await expect(plain.getByRole('link', { name: 'Settings' })).toHaveCount(0);
  await plain.close();
  await api.mutate('batches.cancel', { batchId });
});
