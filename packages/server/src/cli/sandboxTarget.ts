// The real handler sets the demo registers for the sandbox target: one browser pool for the process (the
// browser-slot budget), and the handlers the automation package provides, each fed the organisation's settings
// (which the demo has pointed at the sandbox). Kinds nobody provides yet are reported by targets.ts.
import type { Logger } from 'pino';
import { createBrowserPool, createRegistryClient, createStepHandlers, type SandboxServer } from '@regbatch/automation';
import { TaskFailure, type TaskHandler } from '../work/registry';
import { isSecretRef } from '../secrets/store';
import type { CliSession } from './session';
import type { EnsuredBrowser } from './browser';
import type { RealHandlerFactory } from './targets';

interface OrgSettings {
  nzbnApiUrl?: string | null;
  registerUrl?: string | null;
  nzbnApiKey?: unknown;
}

export async function sandboxHandlerFactories(deps: {
  session: CliSession;
  sandbox: SandboxServer;
  browser: EnsuredBrowser;
  browserSlots: number;
  log: Logger;
  closers: (() => Promise<void>)[];
}): Promise<RealHandlerFactory[]> {
  const { session, sandbox, browser, log } = deps;
  const sandboxHost = new URL(sandbox.url).host;
  const pool = createBrowserPool({
    ...(browser.executablePath ? { executablePath: browser.executablePath } : {}),
    ...(browser.wsEndpoint ? { wsEndpoint: browser.wsEndpoint } : {}),
    allowedHosts: [sandboxHost],
    maxContexts: deps.browserSlots,
    log: log.child({ component: 'browser-pool' }),
  });
  deps.closers.push(() => pool.close());

  // The register client of an organisation, from its settings (the key is a stored secret, revealed at use).
  const registry = async (organisationId: string) => {
    const row = await session.db.selectFrom('organisations').select('settings').where('id', '=', organisationId).executeTakeFirst();
    const s = (row?.settings ?? {}) as OrgSettings;
    if (!s.nzbnApiUrl || !s.registerUrl) {
      throw new TaskFailure('settings_missing', `organisation ${organisationId} has no nzbnApiUrl/registerUrl in its settings`, false);
    }
    const key = isSecretRef(s.nzbnApiKey) ? await session.runtime.secrets.reveal(s.nzbnApiKey) : typeof s.nzbnApiKey === 'string' ? s.nzbnApiKey : '';
    return createRegistryClient({ nzbnBaseUrl: s.nzbnApiUrl, nzbnSubscriptionKey: key, registerBaseUrl: s.registerUrl });
  };

  const steps: RealHandlerFactory = () =>
    createStepHandlers({
      registry: (organisationId) => registry(organisationId),
      browserPool: pool,
      storeUrl: (u) => sandbox.storeUrl(u),
      fail: (code, message, retryable, retryAfterMs) => new TaskFailure(code, message, retryable, retryAfterMs),
    }) as Record<string, TaskHandler>;

  return [steps];
}
