// Failure and retry, with the real handlers against the sandbox: every admin-portal page answers 500 (the sandbox's
// fault API) while the restaurant's step 6 runs only Account Registration (the registration API, not a page) and
// Restaurant Registration (pages), so Restaurant Registration fails all its attempts and the job fails. The job page
// shows the failure on the timeline and in the failed attempts with the screenshot the flow took of the error page.
// The fault is cleared, an operator retries the sub-step from the UI, and the job completes, live.
import { SUB_STEP_KEYS } from '@regbatch/machines';
import { test, expect, createBatch, screenshot, signInAs, USERS, Api } from './support/fixtures';
import { clearPortalFaults, setPortalFault } from './support/sandbox';
import { jobUntil, reviewsOf } from './support/waits';

const RUNS = new Set(['cloudwaitressAccount', 'restaurantRegistration']);

test('a failing sub-step shows on the timeline with its screenshot, and a retry from the UI completes the job', async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000);
  const api = await Api.as(USERS.adminA);
  const { batchId, jobIds } = await createBatch(api, `Failure ${Date.now()}`, 1, { start: true });
  const jobId = jobIds[0]!;

  // Steps 3 and 5 answered through the API (the inbox has its own tests): no company, then a configuration that
  // leaves two sub-steps on.
  const [decision] = await reviewsOf(api, batchId, 'all', 1);
  await api.mutate('reviews.noMatch', { jobIds: [decision!.jobId] });
  const [config] = await reviewsOf(api, batchId, 'config', 1);
  const proposed = config!.proposedConfig as Record<string, unknown>;
  const steps_enabled = Object.fromEntries(SUB_STEP_KEYS.map((k) => [k, RUNS.has(k)]));

  try {
    await setPortalFault('portal.page', { errorRate: 1, errorStatus: 500 });
    await api.mutate('reviews.submitConfig', { configs: [{ jobId, config: { ...proposed, steps_enabled } }] });
    await jobUntil(api, jobId, (j) => j.status === 'failed', 180_000);
  } finally {
    await clearPortalFaults();
  }

  await signInAs(page, USERS.adminA, `/jobs/${jobId}`);
  const row = page.locator('tr[data-substep="restaurantRegistration"]');
  await expect(row).toHaveAttribute('data-status', 'failed');
  const failedBars = page
    .getByTestId('gantt')
    .locator('[data-substep="restaurantRegistration"] [data-status="failed"]');
  await expect(failedBars.first()).toBeVisible();
  const attempts = page.getByRole('region', { name: /Failed attempts/ });
  const lastAttempt = attempts.getByRole('group', { name: /^Restaurant Registration attempt \d+$/ }).last();
  await expect(lastAttempt).toBeVisible();
  await expect(lastAttempt.getByRole('img', { name: /^Screenshot of Restaurant Registration attempt/ })).toBeVisible();
  await screenshot(page, testInfo, 'job-failed');

  await row.getByRole('button', { name: 'Retry Restaurant Registration' }).click();
  await expect(row).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
  await expect(
    page.getByRole('heading', { level: 1 }).locator('..').getByText('completed', { exact: true }),
  ).toBeVisible({ timeout: 60_000 });
  await screenshot(page, testInfo, 'job-completed-after-retry');
});
