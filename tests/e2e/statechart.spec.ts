// The live statechart highlights exactly the states the API reports for the job, at three points of its life:
// waiting for the company (step 3), waiting for the configuration (step 5), and after step 6 settled. The page is
// never reloaded: the highlight follows the job's SSE stream.
import type { Page } from '@playwright/test';
import { test, expect, createBatch, screenshot, signInAs, USERS, Api } from './support/fixtures';
import { jobUntil, reviewsOf, stateIds } from './support/waits';

async function drawnActive(page: Page): Promise<{ drawn: string[]; active: string[] }> {
  const chart = page.getByTestId('statechart');
  await expect(chart).toBeVisible({ timeout: 60_000 });
  return chart.evaluate((svg) => {
    const nodes = [...svg.querySelectorAll('[data-state-id]')];
    return {
      drawn: nodes.map((n) => n.getAttribute('data-state-id')!),
      active: nodes
        .filter((n) => n.getAttribute('data-active') === 'true')
        .map((n) => n.getAttribute('data-state-id')!),
    };
  });
}

async function expectHighlights(page: Page, api: Api, jobId: string, label: string) {
  const job = await api.query<{ state: unknown }>('jobs.get', { jobId });
  const expected = new Set(stateIds(job.state));
  await expect
    .poll(
      async () => {
        const { drawn, active } = await drawnActive(page);
        const want = drawn.filter((id) => expected.has(id)).sort();
        return JSON.stringify(active.sort()) === JSON.stringify(want) && want.length > 1;
      },
      {
        message: `statechart highlights the API's state (${label}): ${[...expected].join(', ')}`,
        timeout: 20_000,
      },
    )
    .toBe(true);
}

test('the statechart highlights the state the API reports at three points of a job', async ({
  page,
}, testInfo) => {
  test.setTimeout(240_000);
  const api = await Api.as(USERS.adminA);
  const { batchId, jobIds } = await createBatch(api, `Statechart ${Date.now()}`, 1, { start: true });
  const jobId = jobIds[0]!;
  await signInAs(page, USERS.adminA, `/jobs/${jobId}`);

  const [selection] = await reviewsOf(api, batchId, 'company', 1);
  await expectHighlights(page, api, jobId, 'waiting at step 3');
  await expect(page.locator('[data-active="true"][data-state-id="job.active.step3.waiting"]')).toBeVisible();
  await screenshot(page, testInfo, 'statechart-step3');

  await api.mutate('reviews.selectCompany', {
    selections: [{ jobId, companyNumber: selection!.candidates![0]!.company_number }],
  });
  await reviewsOf(api, batchId, 'config', 1);
  await expectHighlights(page, api, jobId, 'waiting at step 5');
  await expect(page.locator('[data-active="true"][data-state-id="job.active.step5.waiting"]')).toBeVisible();

  const review = await api.query<{ items: { proposedConfig: unknown }[] }>('reviews.list', {
    batchId,
    kind: 'config',
  });
  await api.mutate('reviews.submitConfig', { configs: [{ jobId, config: review.items[0]!.proposedConfig }] });
  await jobUntil(api, jobId, (j) => ['completed', 'failed'].includes(j.status));
  await expectHighlights(page, api, jobId, 'step 6 settled');
  await screenshot(page, testInfo, 'statechart-settled');
});
