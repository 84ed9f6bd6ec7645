// Failure and retry: the injected fault makes a sub-step fail all its attempts; the job page shows the failure on
// the step-6 timeline and in the failed attempts (error, screenshot), an operator retries it from the UI, and the
// job completes, live.
import { test, expect, createBatch, screenshot, signInAs, USERS, Api } from './support/fixtures';
import { jobUntil } from './support/waits';

test('a failing sub-step shows on the timeline with its screenshot, and a retry from the UI completes the job', async ({
  page,
}, testInfo) => {
  test.setTimeout(240_000);
  const api = await Api.as(USERS.adminA);
  const { jobIds } = await createBatch(api, `Failure ${Date.now()}`, 1, {
    start: true,
    autoPolicies: { select: 'confident', config: 'defaults' },
  });
  const jobId = jobIds[0]!;
  await jobUntil(api, jobId, (j) => j.status === 'failed', 180_000);
  await signInAs(page, USERS.adminA, `/jobs/${jobId}`);

  const row = page.locator('tr[data-substep="itemTags"]');
  await expect(row).toHaveAttribute('data-status', 'failed');
  await expect(
    page.getByTestId('gantt').locator('[data-substep="itemTags"] [data-status="failed"]'),
  ).toHaveCount(4);
  const attempts = page.getByRole('region', { name: /Failed attempts/ });
  await expect(attempts.getByRole('group', { name: 'Item Tags attempt 4' })).toBeVisible();
  await screenshot(page, testInfo, 'job-failed');
  await expect
    .soft(
      attempts.getByRole('img', { name: /Screenshot of Item Tags attempt 4/ }),
      'the failed attempt keeps a screenshot',
    )
    .toBeVisible();

  await row.getByRole('button', { name: 'Retry Item Tags' }).click();
  await expect(
    page.getByRole('heading', { level: 1 }).locator('..').getByText('completed', { exact: true }),
  ).toBeVisible({ timeout: 60_000 });
  await expect(row).toHaveAttribute('data-status', 'completed');
  await screenshot(page, testInfo, 'job-completed-after-retry');
});
