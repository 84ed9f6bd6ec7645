// The real handler set of a worker process: steps 1-4 and the twelve sub-steps, each reading its organisation's
// settings (target, URLs, decrypted secrets), over ONE browser pool per process that is launched on first use and
// closed with the worker. `handlersForTarget` is the runtime's one switch between these and the simulate set.
import path from 'node:path';
import type { Logger } from 'pino';
import { createBrowserPool, findChromium, type BrowserPool } from '@regbatch/automation';
import type { Db } from '../../engine/db';
import { createArtifactStore, type ArtifactStore } from '../../ops/artifacts';
import type { SecretStore } from '../../secrets/store';
import type { TaskHandler } from '../registry';
import { createSimulateHandlers, type SimulateConfig } from '../simulate';
import { createSettingsResolver, type SettingsResolver } from './settings';
import { createRealStepHandlers } from './steps';
import { createSubStepHandlers } from './subSteps';

export { createSettingsResolver, refString, type OrganisationTarget, type SettingsResolver } from './settings';
export { createRealStepHandlers, poolFor } from './steps';
export { createSubStepHandlers, toTaskFailure } from './subSteps';
export { passwordHint, advanceOnboarding } from './records';

export interface BrowserSource {
  /** Local Chromium; found with findChromium() (CHROMIUM_PATH, /usr/bin/chromium, Playwright's) when omitted. */
  readonly executablePath?: string | null;
  /** A remote Playwright browser server (BROWSER_WS_ENDPOINT); wins over a local binary. */
  readonly wsEndpoint?: string | null;
}

export interface RealHandlerDeps {
  readonly db: Db;
  readonly secrets: SecretStore;
  readonly log: Logger;
  /** The sandbox a sandbox-target organisation without its own URLs is driven against. */
  readonly sandboxUrl?: string | null;
  readonly browser?: BrowserSource;
  /** Contexts open at once: the worker's browser-slot budget. */
  readonly browserSlots?: number;
  /** Relaunch Chromium after this many contexts (memory hygiene). */
  readonly recycleAfter?: number;
  /** Failed attempts' screenshots and traces; default <home>/artifacts when `home` is given, else none kept. */
  readonly artifacts?: ArtifactStore | null;
  readonly home?: string;
  /** Use this pool instead of launching one (tests share one across suites); it is not closed by close(). */
  readonly pool?: BrowserPool;
}

export interface RealHandlers {
  readonly handlers: Record<string, TaskHandler>;
  readonly settings: SettingsResolver;
  /** Whether Chromium has been launched by this set. */
  browserStarted(): boolean;
  /** Closes the browser pool this set launched (call after the worker stopped). */
  close(): Promise<void>;
}

export function createRealHandlers(deps: RealHandlerDeps): RealHandlers {
  const settings = createSettingsResolver({ db: deps.db, secrets: deps.secrets, sandboxUrl: deps.sandboxUrl ?? null });
  let own: BrowserPool | null = null;
  const pool = (): BrowserPool => {
    if (deps.pool) return deps.pool;
    if (!own) {
      const executablePath = deps.browser?.executablePath ?? findChromium(null);
      own = createBrowserPool({
        ...(deps.browser?.wsEndpoint ? { wsEndpoint: deps.browser.wsEndpoint } : {}),
        ...(executablePath ? { executablePath } : {}),
        // Every context gets its organisation's hosts (poolFor); this default admits nothing but local pages.
        allowedHosts: ['127.0.0.1', 'localhost'],
        maxContexts: deps.browserSlots ?? 4,
        recycleAfter: deps.recycleAfter ?? 50,
        log: deps.log.child({ component: 'browser-pool' }),
      });
    }
    return own;
  };
  const artifacts = deps.artifacts !== undefined ? deps.artifacts : deps.home ? createArtifactStore(path.join(deps.home, 'artifacts')) : null;
  const handlers: Record<string, TaskHandler> = {
    ...createRealStepHandlers({ settings, pool }),
    ...createSubStepHandlers({ settings, pool, secrets: deps.secrets, artifacts }),
  };
  return {
    handlers,
    settings,
    browserStarted: () => own !== null,
    async close() {
      const p = own;
      own = null;
      await p?.close();
    },
  };
}

export const HANDLER_TARGETS = ['real', 'simulate'] as const;
export type HandlerTarget = (typeof HANDLER_TARGETS)[number];

export function parseHandlerTarget(flag: string, value: string): HandlerTarget {
  if (!(HANDLER_TARGETS as readonly string[]).includes(value)) throw new Error(`${flag}: expected one of ${HANDLER_TARGETS.join(', ')}, got "${value}"`);
  return value as HandlerTarget;
}

/**
 * The handler set a runtime registers: `real` (the default) drives each organisation's target (its sandbox or the
 * production sites, from organisations.settings); `simulate` is the engine's dry run (effects in the simulate ledger).
 */
export function handlersForTarget(
  target: HandlerTarget,
  deps: RealHandlerDeps & { simulate?: SimulateConfig },
): { handlers: Record<string, TaskHandler>; close(): Promise<void> } {
  if (target === 'simulate') return { handlers: createSimulateHandlers(deps.simulate ?? {}), close: async () => undefined };
  const real = createRealHandlers(deps);
  return { handlers: real.handlers, close: () => real.close() };
}
