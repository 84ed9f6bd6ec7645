// Sub-step 8: Settings > Payments: Stripe added once (looked up in the methods table first), configured
// as the original (Accordion without radio button, Flat, labels "Stripe", $2-$9999), and optionally the
// "Connect to Stripe" link captured from where the button leads (same tab or a new one).
import { FlowError } from './errors';
import type { AccountLogin } from './context';
import { loginAdmin, openRestaurant, submit, tableRows } from './pages/portal';
import { browserFlow } from './runtime';

export interface PaymentConfigInput {
  account: AccountLogin;
  platformRestaurantId: string;
  includeConnectLink: boolean;
  currency?: string;
  label?: string;
  minimumOrder?: number;
  maximumOrder?: number;
}

export interface PaymentConfigOutput {
  stripeAdded: boolean;
  stripeConnectUrl: string | null;
}

export const paymentConfig = browserFlow<PaymentConfigInput, PaymentConfigOutput>('paymentConfig', async (t, input) => {
  await loginAdmin(t, input.account);
  await openRestaurant(t, input.platformRestaurantId, '/settings/payments');
  const page = t.page;
  const hasStripe = async () => (await tableRows(page, 'Payment Methods')).some((c) => c[0] === 'Stripe');
  let stripeAdded = false;
  if (!(await hasStripe())) {
    await page.getByRole('button', { name: 'Add Payment Method' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add Payment Method' });
    await dialog.getByLabel('Payment Method').selectOption({ label: 'Stripe' });
    await submit(t, dialog.getByRole('button', { name: 'Add Method' }), 'add Stripe');
    if (!(await hasStripe())) throw new FlowError('verification_failed', 'Stripe is not listed after adding it');
    stripeAdded = true;
  }
  const form = page.getByRole('form', { name: 'Stripe Settings' }).first();
  await form.getByLabel('Enabled', { exact: true }).check();
  await form.getByLabel('Currency').selectOption(input.currency ?? t.ctx.settings.currency);
  await form.getByLabel('Layout').selectOption('Accordion without radio button');
  await form.getByLabel('Theme').selectOption('Flat');
  for (const label of ['Label', 'Delivery Label', 'Print Label']) await form.getByLabel(label, { exact: true }).fill(input.label ?? 'Stripe');
  await form.getByLabel('Maximum Order Value').fill(String(input.maximumOrder ?? 9999));
  await form.getByLabel('Minimum Order Value').fill(String(input.minimumOrder ?? 2));
  await submit(t, form.getByRole('button', { name: 'Save' }), 'save Stripe settings');
  const saved = page.getByRole('form', { name: 'Stripe Settings' }).first();
  if (!(await saved.getByRole('status').count()) || !(await saved.getByLabel('Enabled', { exact: true }).isChecked())) {
    throw new FlowError('verification_failed', 'Stripe settings did not save');
  }
  if ((await saved.getByLabel('Layout').inputValue()) !== 'Accordion without radio button') {
    throw new FlowError('verification_failed', 'Stripe layout reads back different');
  }
  if (!input.includeConnectLink) return { stripeAdded, stripeConnectUrl: null };

  const popup = page.context().waitForEvent('page', { timeout: 3_000 }).catch(() => null);
  await page.getByRole('button', { name: 'Connect to Stripe' }).first().click();
  await Promise.race([page.waitForURL(/\/setup\/s\/acct_/), popup]);
  const target = /\/setup\/s\/acct_/.test(page.url()) ? page : ((await popup) ?? page);
  await target.waitForLoadState('domcontentloaded');
  const url = target.url();
  if (!/\/setup\/s\/acct_[0-9a-zA-Z]+\//.test(url)) throw new FlowError('verification_failed', `"Connect to Stripe" led to ${url}, not a Stripe onboarding link`);
  if (target !== page) await target.close();
  return { stripeAdded, stripeConnectUrl: url };
});
