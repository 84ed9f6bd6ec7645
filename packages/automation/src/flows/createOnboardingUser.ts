// Sub-step 3: the onboarding user on the manage site (Super Admin > Add User, role "New Sign Up",
// organisation "None"). Looks for the e-mail first; the new user's password is typed with tracing paused.
import { FlowError } from './errors';
import { gotoPage, loginManage, submit, tableRows } from './pages/portal';
import { browserFlow } from './runtime';

export interface CreateOnboardingUserInput {
  name: string;
  email: string;
  passwordRef: string;
}

export interface CreateOnboardingUserOutput {
  email: string;
  created: boolean;
}

export const createOnboardingUser = browserFlow<CreateOnboardingUserInput, CreateOnboardingUserOutput>(
  'createOnboardingUser',
  async (t, input) => {
    if (!input.name.trim()) throw new FlowError('missing_input', 'onboarding user name is empty');
    if (!input.email.trim()) throw new FlowError('missing_input', 'onboarding user email is empty');
    const base = t.ctx.settings.manageUrl.replace(/\/$/, '');
    const page = t.page;
    const listed = async () =>
      (await tableRows(page, 'Users')).some((cells) => (cells[1] ?? '').toLowerCase() === input.email.trim().toLowerCase());
    await loginManage(t);
    await gotoPage(t, `${base}/super-admin`, 'users');
    if (await listed()) return { email: input.email, created: false };

    await page.getByRole('button', { name: 'Add User' }).click();
    await page.waitForLoadState('domcontentloaded');
    const form = page.getByRole('form', { name: 'Add User' });
    await form.getByLabel('Name', { exact: true }).fill(input.name);
    await form.getByLabel('Email', { exact: true }).fill(input.email.trim());
    await form.getByLabel('Role').selectOption({ label: 'New Sign Up' });
    await form.getByLabel('Organisation').selectOption({ label: 'None' });
    const password = await t.secret(input.passwordRef);
    await t.untraced(async () => {
      await form.getByLabel('Password', { exact: true }).fill(password);
      await submit(t, form.getByRole('button', { name: 'Create User' }), 'create onboarding user');
    });
    const alert = page.getByRole('alert');
    if (await alert.count()) {
      const text = (await alert.innerText()).trim();
      throw new FlowError(/already exists/i.test(text) ? 'conflict' : 'validation', `manage site refused the user: ${text}`);
    }
    await gotoPage(t, `${base}/super-admin`, 'users');
    if (!(await listed())) throw new FlowError('verification_failed', `user ${input.email} is not listed after creation`);
    return { email: input.email, created: true };
  },
);
