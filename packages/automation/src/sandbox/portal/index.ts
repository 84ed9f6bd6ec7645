// The sandbox admin portal as one fastify plugin: admin portal (/admin), manage site (/manage), account
// registration API (/cw-api), onboarding-record lookup (/onboarding), image CDN (/cdn), Stripe stand-in
// (/stripe-connect) and the test-only inspection/fault API (/__portal). Mount it on the sandbox server.
import type { FastifyInstance } from 'fastify';
import { registerAdminPages } from './admin';
import { registerApis } from './apis';
import { createPortalContext, parseForm, type PortalContext, type PortalOptions } from './context';
import { registerInspection } from './inspect';
import { registerManageSite } from './manage';
import { registerMenuPages } from './menus';

export { createPortalStore, type PortalStore } from './store';
export { PORTAL_FAULT_ROUTES, SANDBOX_PORTAL_DEFAULTS, createPortalContext, type PortalOptions, type PortalContext } from './context';
export { registrationSignature } from './apis';
export { generateOrderingPageCode } from './manage';
export { createPortalClient, type PortalClient } from './client';

export interface PortalPluginOptions extends PortalOptions {
  /** A context made beforehand, so the caller keeps a handle on the store (tests, the demo's verification). */
  context?: PortalContext;
}

/** Registers every portal route on `app` (not encapsulation-breaking: the form parser stays in this scope). */
export async function portalPlugin(app: FastifyInstance, options: PortalPluginOptions): Promise<void> {
  const ctx = options.context ?? createPortalContext(options);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, parseForm(String(body)));
  });
  registerAdminPages(app, ctx);
  registerMenuPages(app, ctx);
  registerManageSite(app, ctx);
  registerApis(app, ctx);
  registerInspection(app, ctx);
}
