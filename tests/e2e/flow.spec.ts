// The whole flow from the browser, no CLI: upload the fixture leads, create a parallel batch of 4 and start it,
// resolve one selection with a non-top candidate, bulk-accept the confident ones, mark one no match, submit the
// configurations (one after fixing a field error the form showed), and watch all four reach a final state live.
import { test, expect, screenshot, signInAs, USERS, Api } from './support/fixtures';

const FINAL = ['completed', 'failed', 'cancelled'];

test('an operator runs a batch of four from upload to final states without reloading', async ({
  page,
}, testInfo) => {
  test.setTimeout(600_000);
  await signInAs(page, USERS.adminA);
  const api = await Api.as(USERS.adminA);

  // Upload the fixture leads (a re-import updates, never duplicates).
  await page.getByRole('button', { name: 'Upload leads' }).first().click();
  const upload = page.getByRole('dialog', { name: 'Upload leads' });
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    upload.getByLabel('Leads file (CSV)').click(),
  ]);
  await chooser.setFiles(process.env.E2E_LEADS_FILE!);
  await upload.getByRole('button', { name: 'Upload' }).click();
  await expect(upload.getByRole('region', { name: 'Import result' })).toContainText(
    /\d+ restaurants? imported/,
  );
  await screenshot(page, testInfo, 'upload-result');
  await upload.getByRole('button', { name: 'Close', exact: true }).click();

  // Create a parallel batch of 4 from the imported restaurants and start it.
  const name = `Flow ${Date.now()}`;
  await page.getByRole('button', { name: 'New batch' }).first().click();
  const create = page.getByRole('dialog', { name: 'New batch' });
  await create.getByLabel('Name').fill(name);
  const boxes = create.getByRole('checkbox', { name: /^Select (?!every)/ });
  for (let i = 0; i < 4; i++) await boxes.nth(i).check();
  await expect(create.getByText('Restaurants (4 selected)')).toBeVisible();
  await create.getByRole('button', { name: 'Create and start' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  const batchId = page.url().split('/batches/')[1]!;
  await expect(page.getByText('Live', { exact: true })).toBeVisible();

  // Step 3: decisions in the inbox, as they arrive.
  await page.getByRole('link', { name: 'Review inbox' }).click();
  await page.goto(`/reviews?batch=${batchId}`);
  const selections = page.getByRole('group').filter({ has: page.getByRole('radiogroup') });
  await expect(selections).toHaveCount(4, { timeout: 60_000 });
  await screenshot(page, testInfo, 'inbox-selections');

  // One selection resolved with a candidate that is not the top one.
  const withChoice = selections.filter({ has: page.getByRole('radio').nth(1) }).first();
  await expect(withChoice, 'a selection with at least two candidates').toBeVisible();
  const chosenName = (await withChoice.getByRole('heading').textContent())!;
  await withChoice.getByRole('radio').nth(1).check();
  await withChoice.getByRole('button', { name: 'Confirm selection' }).click();
  // Its card leaves the selections (the restaurant may show up again at once among the configurations).
  await expect(page.getByRole('group', { name: chosenName, exact: true })).toHaveCount(0);

  // One marked no match (a card without a confident badge if there is one).
  const remaining = page.getByRole('group').filter({ has: page.getByRole('radiogroup') });
  const unsure = remaining.filter({ hasText: 'needs a person' });
  const noMatchCard = (await unsure.count()) > 0 ? unsure.first() : remaining.first();
  const noMatchName = (await noMatchCard.getByRole('heading').textContent())!;
  await noMatchCard.getByRole('button', { name: 'No match' }).click();
  await expect(page.getByRole('group', { name: noMatchName, exact: true })).toHaveCount(0);

  // Bulk-accept the confident ones.
  const accept = page.getByRole('button', { name: /Accept \d+ confident match/ });
  await expect(accept).toBeEnabled();
  await accept.click();
  await expect(page.getByRole('heading', { name: /Company selections/ })).toHaveCount(0, { timeout: 30_000 });

  // Step 5: configurations; one submitted after fixing the field error the form shows.
  await expect(page.getByRole('heading', { name: /Configurations \(4\)/ })).toBeVisible({ timeout: 60_000 });
  const editor = page.getByRole('region', { name: /^Configuration of / });
  await editor.getByRole('tab', { name: /Website/ }).click();
  const primary = editor.getByRole('textbox', { name: 'Primary color' });
  await primary.fill('not-a-colour');
  await editor.getByRole('button', { name: 'Submit configuration' }).click();
  await expect(editor.getByText(/is not a hex colour/)).toBeVisible();
  await screenshot(page, testInfo, 'config-field-error');
  await primary.fill('#3f92ff');
  await expect(editor.getByText(/is not a hex colour/)).toHaveCount(0);
  await editor.getByRole('button', { name: 'Submit configuration' }).click();
  await expect(page.getByRole('heading', { name: /Configurations \(3\)/ })).toBeVisible();
  await page.getByRole('checkbox', { name: 'Tick all' }).check();
  await page.getByRole('button', { name: /Submit ticked \(3\)/ }).click();
  await expect(page.getByRole('heading', { name: /Configurations/ })).toHaveCount(0, { timeout: 30_000 });

  // Watch the batch until every restaurant is final, without reloading.
  await page.getByRole('link', { name: 'Open the batch' }).click();
  const rows = page.locator('tr[data-job-id]');
  await expect(rows).toHaveCount(4);
  await expect
    .poll(
      async () =>
        (await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status')))).every((s) =>
          FINAL.includes(s ?? ''),
        ),
      // Step 6 of four restaurants on two browser slots: ~1.5 min on a quiet machine, much longer when it is shared.
      { timeout: 420_000, intervals: [1000] },
    )
    .toBe(true);
  const batch = await api.query<{ status: string }>('batches.get', { batchId });
  expect(FINAL).toContain(batch.status);
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await screenshot(page, testInfo, 'batch-final');
});
