// Sub-step 1: the CloudWaitress account, through the integrator-signed REST registration (§1.4).
// Looks first (an admin login with the account's credentials), registers only when none exists,
// and verifies by logging in: "already exists" with a password that does not log in is a conflict.
import { registrationSignatureHex } from './signature';
import { FlowError } from './errors';
import { httpFlow, type HttpTools } from './runtime';

export interface CloudwaitressAccountInput {
  email: string;
  /** Any NZ spelling; sent as E.164 (+64…), as the original normalised it. */
  phone: string;
  passwordRef: string;
}

export interface CloudwaitressAccountOutput {
  email: string;
  userId: string | null;
  created: boolean;
}

export function toE164(phone: string): string {
  const digits = phone.replace(/[\s()-]/g, '');
  if (/^\+\d{7,15}$/.test(digits)) return digits;
  if (/^64\d{7,12}$/.test(digits)) return `+${digits}`;
  if (/^0\d{7,11}$/.test(digits)) return `+64${digits.slice(1)}`;
  throw new FlowError('missing_input', `phone "${phone}" is not a New Zealand phone number`);
}

async function canLogIn(t: HttpTools, email: string, password: string): Promise<boolean> {
  const url = `${t.ctx.settings.adminUrl.replace(/\/$/, '')}/login`;
  const res = await t.request(url, {
    what: 'admin login check',
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password }).toString(),
    accept: [401],
  });
  return res.status === 302 || res.status === 303;
}

export const cloudwaitressAccount = httpFlow<CloudwaitressAccountInput, CloudwaitressAccountOutput>(
  'cloudwaitressAccount',
  async (t, input) => {
    const email = input.email.trim();
    if (!email) throw new FlowError('missing_input', 'account email is empty');
    const phone = toE164(input.phone);
    const s = t.ctx.settings;
    const password = await t.secret(input.passwordRef);
    if (await canLogIn(t, email, password)) {
      t.log.info({ email }, 'account already exists and logs in');
      return { email, userId: null, created: false };
    }
    const secret = await t.secret(s.integratorSecretRef);
    const code = await t.secret(s.verificationCodeRef);
    const api = s.apiUrl.replace(/\/$/, '');
    const start = await t.json<{ outcome: number; token?: string; message?: string }>(`${api}/users/register/start`, {
      what: 'register/start',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        integrator_id: s.integratorId,
        email,
        phone,
        password,
        signature: registrationSignatureHex(secret, email, phone, password),
      }),
      accept: [409],
    });
    let userId: string | null = null;
    let created = false;
    if (start.status === 409 || /already exists/i.test(start.body.message ?? '')) {
      t.log.info({ email }, 'platform says the account already exists');
    } else {
      if (start.body.outcome !== 0 || !start.body.token) {
        throw new FlowError('validation', `register/start refused ${email}: ${start.body.message ?? 'no token'}`);
      }
      const verify = await t.json<{ outcome: number; user_id?: string; message?: string }>(`${api}/users/register/verify`, {
        what: 'register/verify',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: start.body.token, email_confirmation_code: code }),
        accept: [409],
      });
      if (verify.status !== 409) {
        if (verify.body.outcome !== 0) throw new FlowError('validation', `register/verify refused ${email}: ${verify.body.message ?? ''}`);
        userId = verify.body.user_id ?? null;
        created = true;
      }
    }
    // Verified in the portal: the account must log in with the password we hold.
    if (!(await canLogIn(t, email, password))) {
      throw new FlowError(
        created ? 'verification_failed' : 'conflict',
        created
          ? `account ${email} was registered but does not log in yet`
          : `an account ${email} already exists on the platform and does not accept the stored password`,
      );
    }
    return { email, userId, created };
  },
);
