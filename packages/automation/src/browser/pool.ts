// The browser pool: one Chromium per worker process (local or remote), a fresh context per task that is
// always closed, a bound on concurrent contexts, a host allow-list enforced by routing (everything else is
// aborted at once rather than left to hang), and a relaunch after N tasks or after the browser dies.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';

/** Launch arguments suited to a headless server (BRIEF). */
export const HEADLESS_SERVER_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
] as const;

export interface PoolLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error?(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export class BrowserPoolError extends Error {
  constructor(
    readonly code: 'BROWSER_NOT_FOUND' | 'BROWSER_LAUNCH_FAILED' | 'BROWSER_POOL_CLOSED',
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Where Chromium is: the configured path (CHROMIUM_PATH, read by the caller), Debian's package, or
 * Playwright's own download. Null when none exists.
 */
export function findChromium(configured?: string | null): string | null {
  for (const p of [configured, '/usr/bin/chromium', '/usr/bin/chromium-browser']) if (p && existsSync(p)) return p;
  try {
    const own = chromium.executablePath();
    return own && existsSync(own) ? own : null;
  } catch {
    return null;
  }
}

export interface BrowserPoolOptions {
  /** Local Chromium binary; found with findChromium() when omitted. */
  executablePath?: string;
  /** Remote browser (a Playwright browser server, BROWSER_WS_ENDPOINT); wins over executablePath. */
  wsEndpoint?: string;
  /** Hosts a page may reach: "host", "host:port" or "*.domain". */
  allowedHosts: readonly string[];
  /** Contexts open at once (the engine's browser-slot budget). */
  maxContexts: number;
  log: PoolLogger;
  /** Relaunch the browser after this many tasks (memory hygiene). Default 50. */
  recycleAfter?: number;
  launchTimeoutMs?: number;
  extraArgs?: readonly string[];
}

export interface WithContextOptions {
  /** Replaces the pool's allow-list for this task. */
  allowedHosts?: readonly string[];
  contextOptions?: BrowserContextOptions;
  signal?: AbortSignal;
}

export interface BrowserPoolStats {
  launches: number;
  activeContexts: number;
  waiting: number;
  tasksRun: number;
  blockedRequests: number;
  connected: boolean;
}

export interface BrowserPool {
  withContext<T>(fn: (context: BrowserContext) => Promise<T>, opts?: WithContextOptions): Promise<T>;
  stats(): BrowserPoolStats;
  close(): Promise<void>;
}

interface Generation {
  browser: Browser;
  active: number;
  tasks: number;
  retiring: boolean;
  dead: boolean;
}

export function hostAllowed(url: string, allowed: readonly string[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true;
  if (u.protocol !== 'http:' && u.protocol !== 'https:' && u.protocol !== 'ws:' && u.protocol !== 'wss:') return false;
  const host = u.host.toLowerCase();
  const hostname = u.hostname.toLowerCase();
  return allowed.some((a) => {
    const rule = a.toLowerCase();
    if (rule.startsWith('*.')) return hostname.endsWith(rule.slice(1)) || hostname === rule.slice(2);
    return rule === host || rule === hostname;
  });
}

export function createBrowserPool(options: BrowserPoolOptions): BrowserPool {
  const recycleAfter = options.recycleAfter ?? 50;
  const log = options.log;
  let current: Generation | null = null;
  let launching: Promise<Generation> | null = null;
  let closed = false;
  let launches = 0;
  let tasksRun = 0;
  let blockedRequests = 0;
  let active = 0;
  const queue: (() => void)[] = [];
  const generations = new Set<Generation>();

  async function launch(): Promise<Generation> {
    let browser: Browser;
    try {
      if (options.wsEndpoint) {
        browser = await chromium.connect(options.wsEndpoint, { timeout: options.launchTimeoutMs ?? 30_000 });
      } else {
        const executablePath = options.executablePath ?? findChromium();
        if (!executablePath) {
          throw new BrowserPoolError('BROWSER_NOT_FOUND', 'no Chromium found: set CHROMIUM_PATH, install chromium, or run `npx playwright install chromium`', false);
        }
        browser = await chromium.launch({
          executablePath,
          headless: true,
          args: [...HEADLESS_SERVER_ARGS, ...(options.extraArgs ?? [])],
          timeout: options.launchTimeoutMs ?? 30_000,
        });
      }
    } catch (err) {
      if (err instanceof BrowserPoolError) throw err;
      throw new BrowserPoolError('BROWSER_LAUNCH_FAILED', `browser launch failed: ${(err as Error).message}`, true, { cause: err });
    }
    launches += 1;
    const gen: Generation = { browser, active: 0, tasks: 0, retiring: false, dead: false };
    generations.add(gen);
    browser.on('disconnected', () => {
      gen.dead = true;
      generations.delete(gen);
      if (current === gen) current = null;
      if (!gen.retiring && !closed) log.warn({ launches }, 'browser disconnected; the next task relaunches it');
    });
    log.info({ launches, remote: Boolean(options.wsEndpoint) }, 'browser launched');
    return gen;
  }

  async function generation(): Promise<Generation> {
    if (current && !current.dead && !current.retiring) return current;
    if (!launching) {
      launching = launch().then(
        (g) => {
          current = g;
          launching = null;
          return g;
        },
        (err: unknown) => {
          launching = null;
          throw err;
        },
      );
    }
    return launching;
  }

  async function retireIfIdle(gen: Generation): Promise<void> {
    if (gen.retiring && gen.active === 0 && !gen.dead) {
      generations.delete(gen);
      await gen.browser.close().catch((err: unknown) => log.warn({ err: (err as Error).message }, 'closing a retired browser failed'));
    }
  }

  async function acquireSlot(signal?: AbortSignal): Promise<void> {
    if (active < options.maxContexts) {
      active += 1;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        active += 1;
        resolve();
      };
      const onAbort = () => {
        const i = queue.indexOf(grant);
        if (i >= 0) queue.splice(i, 1);
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted while waiting for a browser slot'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(grant);
    });
  }

  function releaseSlot(): void {
    active -= 1;
    queue.shift()?.();
  }

  return {
    async withContext(fn, opts = {}) {
      if (closed) throw new BrowserPoolError('BROWSER_POOL_CLOSED', 'browser pool is closed', false);
      await acquireSlot(opts.signal);
      let gen: Generation | null = null;
      let context: BrowserContext | null = null;
      try {
        gen = await generation();
        gen.active += 1;
        gen.tasks += 1;
        tasksRun += 1;
        if (gen.tasks >= recycleAfter) gen.retiring = true;
        context = await gen.browser.newContext({ serviceWorkers: 'block', ...opts.contextOptions });
        const allowed = opts.allowedHosts ?? options.allowedHosts;
        await context.route('**/*', async (route) => {
          const url = route.request().url();
          if (hostAllowed(url, allowed)) return route.fallback();
          blockedRequests += 1;
          log.debug?.({ url }, 'blocked request to a host outside the allow-list');
          return route.abort('blockedbyclient');
        });
        return await fn(context);
      } finally {
        if (context) await context.close().catch(() => undefined);
        if (gen) {
          gen.active -= 1;
          await retireIfIdle(gen);
        }
        releaseSlot();
      }
    },
    stats() {
      return { launches, activeContexts: active, waiting: queue.length, tasksRun, blockedRequests, connected: Boolean(current && !current.dead) };
    },
    async close() {
      closed = true;
      const pending = launching;
      if (pending) await pending.catch(() => undefined);
      await Promise.all([...generations].map((g) => ((g.retiring = true), g.browser.close().catch(() => undefined))));
      generations.clear();
      current = null;
    },
  };
}
