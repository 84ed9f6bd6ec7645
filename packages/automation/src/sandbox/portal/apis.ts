// The sandbox's machine-facing APIs: CloudWaitress account registration (integrator-signed, §1.4), the
// onboarding-record lookup (PostgREST-shaped, as the separate onboarding Supabase), and the image CDN
// whose from_url upload records the URL without fetching it (these machines cannot reach image hosts).
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { applyFault, baseUrl, PORTAL_FAULT_ROUTES, sleep, type PortalContext } from './context';
import { hashPassword, newId } from './store';

/** signature = HMAC-SHA256(secret, email + phone + password), hex: what the original's CWAPI sent. */
export function registrationSignature(secret: string, email: string, phone: string, password: string): string {
  return createHmac('sha256', secret).update(email + phone + password).digest('hex');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

// A 1x1 PNG so CDN URLs render as images.
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

export function registerApis(app: FastifyInstance, ctx: PortalContext): void {
  const { store, opts } = ctx;
  const cwError = (st: number) => ({ type: 'application/json', body: JSON.stringify({ outcome: 1, message: st === 429 ? 'Too many requests' : 'Internal error' }) });

  app.post('/cw-api/users/register/start', async (req, reply) => {
    if (await applyFault(ctx, PORTAL_FAULT_ROUTES.register, reply, cwError)) return reply;
    const b = (req.body ?? {}) as Record<string, unknown>;
    const [integratorId, email, phone, password, signature] = ['integrator_id', 'email', 'phone', 'password', 'signature'].map((k) =>
      typeof b[k] === 'string' ? (b[k] as string) : '',
    ) as [string, string, string, string, string];
    const integrator = opts.integrators.find((i) => i.id === integratorId);
    if (!integrator) return reply.code(401).send({ outcome: 1, message: 'Unknown integrator' });
    if (!safeEqual(signature, registrationSignature(integrator.secret, email, phone, password))) {
      return reply.code(401).send({ outcome: 1, message: 'Invalid signature' });
    }
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return reply.code(400).send({ outcome: 1, message: `Invalid email "${email}"` });
    if (!/^\+\d{7,15}$/.test(phone)) return reply.code(400).send({ outcome: 1, message: `Invalid phone "${phone}"` });
    if (password.length < 8) return reply.code(400).send({ outcome: 1, message: 'Password must be at least 8 characters' });
    if (store.findAccountByEmail(email)) return reply.code(409).send({ outcome: 1, message: 'A user with this email already exists' });
    const token = randomBytes(16).toString('hex');
    store.pendingRegistrations.set(token, { email, phone, passwordHash: hashPassword(password), integratorId });
    return { outcome: 0, token };
  });

  app.post('/cw-api/users/register/verify', async (req, reply) => {
    if (await applyFault(ctx, PORTAL_FAULT_ROUTES.register, reply, cwError)) return reply;
    const b = (req.body ?? {}) as Record<string, unknown>;
    const pending = store.pendingRegistrations.get(String(b['token'] ?? ''));
    if (!pending) return reply.code(400).send({ outcome: 1, message: 'Invalid or expired token' });
    if (!safeEqual(String(b['email_confirmation_code'] ?? ''), opts.verificationCode)) {
      return reply.code(400).send({ outcome: 1, message: 'Invalid email confirmation code' });
    }
    store.pendingRegistrations.delete(String(b['token']));
    // Two verifies racing for the same e-mail: the second finds the first's account.
    if (store.findAccountByEmail(pending.email)) return reply.code(409).send({ outcome: 1, message: 'A user with this email already exists' });
    const account = { id: newId('USR'), ...pending, createdAt: new Date().toISOString() };
    store.accounts.push(account);
    return { outcome: 0, user_id: account.id };
  });

  // ----- onboarding database (PostgREST shape) -----
  const onboardingAuth = (key: unknown) => typeof key === 'string' && safeEqual(key, opts.onboardingApiKey);
  const onboardingError = (st: number) => ({ type: 'application/json', body: JSON.stringify({ message: `error ${st}` }) });

  app.post('/onboarding/rest/v1/rpc/get_onboarding_id_by_email', async (req, reply) => {
    if (await applyFault(ctx, PORTAL_FAULT_ROUTES.onboarding, reply, onboardingError)) return reply;
    if (!onboardingAuth(req.headers['apikey'])) return reply.code(401).send({ message: 'Invalid API key' });
    const email = String((req.body as Record<string, unknown> | undefined)?.['user_email'] ?? '').toLowerCase();
    return store.onboardingRecords.filter((r) => r.user_email.toLowerCase() === email).map((r) => ({ onboarding_id: r.id }));
  });

  const recordFor = (query: unknown) => {
    const m = /^eq\.(.+)$/.exec(String((query as Record<string, string>)['id'] ?? ''));
    return m ? store.onboardingRecords.find((r) => r.id === m[1]) : undefined;
  };
  app.get('/onboarding/rest/v1/user_onboarding', async (req, reply) => {
    if (await applyFault(ctx, PORTAL_FAULT_ROUTES.onboarding, reply, onboardingError)) return reply;
    if (!onboardingAuth(req.headers['apikey'])) return reply.code(401).send({ message: 'Invalid API key' });
    const r = recordFor(req.query);
    return r ? [{ id: r.id, user_email: r.user_email, ...r.fields, updated_at: r.updatedAt }] : [];
  });
  app.patch('/onboarding/rest/v1/user_onboarding', async (req, reply) => {
    if (await applyFault(ctx, PORTAL_FAULT_ROUTES.onboarding, reply, onboardingError)) return reply;
    if (!onboardingAuth(req.headers['apikey'])) return reply.code(401).send({ message: 'Invalid API key' });
    const r = recordFor(req.query);
    if (!r) return [];
    const body = (req.body ?? {}) as Record<string, unknown>;
    for (const k of ['id', 'user_email']) delete body[k];
    r.fields = { ...r.fields, ...body };
    r.updatedAt = new Date().toISOString();
    return [{ id: r.id, user_email: r.user_email, ...r.fields, updated_at: r.updatedAt }];
  });

  // ----- image CDN (UploadCare-shaped) -----
  const cdnAuth = (header: unknown) => header === `Uploadcare.Simple ${opts.cdn.publicKey}:${opts.cdn.secretKey}`;

  app.post('/cdn/base/from_url/', async (req, reply) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (b['pub_key'] !== opts.cdn.publicKey) return reply.code(403).send({ error: 'pub_key is invalid' });
    const sourceUrl = String(b['source_url'] ?? '');
    if (!/^https?:\/\/\S+$/.test(sourceUrl)) return reply.code(400).send({ error: `source_url "${sourceUrl}" is not a URL` });
    const filename = String(b['filename'] ?? '') || sourceUrl.split('/').pop() || 'image';
    const metadata = Object.fromEntries(
      Object.entries((b['metadata'] ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
    );
    const d = ctx.faults.decide(PORTAL_FAULT_ROUTES.cdnUpload);
    if (d.kind === 'error') return reply.code(d.status).send({ error: 'Upload failed' });
    if (d.kind === 'rateLimited') return reply.code(429).header('retry-after', String(d.retryAfterSeconds)).send({ error: 'Throttled' });
    // A slow upload finishes (and is stored) even when the client has given up waiting: the case a
    // retry must find by its metadata instead of uploading again.
    if (d.latencyMs > 0) await sleep(d.latencyMs);
    const uuid = randomUUID();
    store.cdnFiles.push({ uuid, filename, sourceUrl, metadata, storedAt: new Date().toISOString() });
    return { uuid, file_id: uuid, filename, cdn_url: `${baseUrl(req)}/cdn/${uuid}/${encodeURIComponent(filename)}` };
  });

  app.get('/cdn/files/', async (req, reply) => {
    if (!cdnAuth(req.headers['authorization'])) return reply.code(401).send({ error: 'Unauthorized' });
    const q = req.query as Record<string, string>;
    const filters = Object.entries(q)
      .filter(([k]) => k.startsWith('metadata[') && k.endsWith(']'))
      .map(([k, v]) => [k.slice(9, -1), v] as const);
    const results = store.cdnFiles
      .filter((f) => filters.every(([k, v]) => f.metadata[k] === v))
      .map((f) => ({
        uuid: f.uuid,
        original_filename: f.filename,
        source_url: f.sourceUrl,
        metadata: f.metadata,
        datetime_stored: f.storedAt,
        original_file_url: `${baseUrl(req)}/cdn/${f.uuid}/${encodeURIComponent(f.filename)}`,
      }));
    return { results, total: results.length };
  });

  app.get('/cdn/:uuid/:filename', async (_req, reply) => reply.type('image/png').send(PIXEL));

}
