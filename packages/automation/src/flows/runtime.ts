// The harness around every flow: secrets resolved at use and remembered for redaction, logs scrubbed,
// Playwright tracing with pauses around secret fields, crash and abort detection, and the failure
// artifacts (screenshot + trace, rewritten so no secret survives) of a failed attempt.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { classifyError, FlowError, httpError } from './errors';
import type { FlowContext, FlowLogger } from './context';

/** Every spelling a secret can take in a trace or a log: raw, URL/form-encoded, JSON-escaped, base64. */
export function secretVariants(secret: string): string[] {
  const v = new Set<string>([
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ x: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
    Buffer.from(secret).toString('base64'),
  ]);
  return [...v].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
}

export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) for (const v of secretVariants(s)) out = out.split(v).join('[REDACTED]');
  return out;
}

/** Rewrite a trace zip with every secret variant replaced in every entry (belt to the pause's braces). */
export function redactTraceZip(zip: Uint8Array, secrets: readonly string[]): Uint8Array {
  if (secrets.length === 0) return zip;
  const files = unzipSync(zip);
  const out: Record<string, Uint8Array> = {};
  for (const [name, data] of Object.entries(files)) {
    const text = strFromU8(data, true);
    const scrubbed = redact(text, secrets);
    out[name] = scrubbed === text ? data : strToU8(scrubbed, true);
  }
  return zipSync(out);
}

export interface FlowTools {
  ctx: FlowContext;
  page: Page;
  log: FlowLogger;
  /** Resolve a secret reference now; the value is remembered so traces and logs can be scrubbed. */
  secret(ref: string): Promise<string>;
  /** Run `fn` with tracing paused: actions typing a secret are never recorded. */
  untraced<T>(fn: () => Promise<T>): Promise<T>;
  /** Throws the abort error when the task was cancelled. */
  checkAborted(): void;
}

interface Harness {
  secrets: string[];
  log: FlowLogger;
  secret(ref: string): Promise<string>;
}

function harness(ctx: FlowContext): Harness {
  const secrets: string[] = [];
  const scrub = (obj: Record<string, unknown>) => JSON.parse(redact(JSON.stringify(obj), secrets)) as Record<string, unknown>;
  const wrap = (fn: FlowLogger['info']) => (obj: Record<string, unknown>, msg?: string) =>
    msg === undefined ? fn(scrub(obj)) : fn(scrub(obj), redact(msg, secrets));
  return {
    secrets,
    log: { info: wrap(ctx.log.info.bind(ctx.log)), warn: wrap(ctx.log.warn.bind(ctx.log)), error: wrap(ctx.log.error.bind(ctx.log)) },
    async secret(ref: string) {
      const v = await ctx.secrets.resolve(ref);
      if (!v) throw new FlowError('missing_input', `secret ${ref} is empty`);
      if (!secrets.includes(v)) secrets.push(v);
      return v;
    },
  };
}

function abortError(signal: AbortSignal): FlowError {
  return new FlowError('aborted', `cancelled: ${String((signal.reason as Error | undefined)?.message ?? signal.reason ?? 'aborted')}`);
}

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T | undefined> =>
  Promise.race([p, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms).unref())]);

/**
 * Wrap a browser flow: tracing on, crash/abort detection, artifacts on failure, typed errors out.
 * Tracing is chunked: `untraced` closes the current chunk (kept on disk until the attempt ends) and opens a
 * new one after the secret work, so the secret never enters a chunk.
 */
export function browserFlow<I, O>(name: string, body: (t: FlowTools, input: I) => Promise<O>) {
  return async (ctx: FlowContext, input: I): Promise<O> => {
    const page = ctx.page;
    if (!page) throw new FlowError('missing_input', `${name} needs a browser page in ctx.page`);
    const h = harness(ctx);
    const timeout = ctx.settings.actionTimeoutMs ?? 15_000;
    page.setDefaultTimeout(timeout);
    page.setDefaultNavigationTimeout(timeout);
    const dir = await mkdtemp(join(tmpdir(), `regbatch-trace-${name}-`));
    const parts: string[] = [];
    const tracing = page.context().tracing;
    let tracingOn = false;
    try {
      await tracing.start({ screenshots: false, snapshots: true, title: name });
      tracingOn = true;
    } catch (err) {
      h.log.warn({ flow: name, err: String(err) }, 'tracing could not start');
    }
    let chunkOpen = tracingOn;
    const closeChunk = async (keep: boolean) => {
      if (!chunkOpen) return;
      chunkOpen = false;
      const path = join(dir, `trace-${parts.length + 1}.zip`);
      await withTimeout(tracing.stopChunk(keep ? { path } : {}), 10_000);
      if (keep) parts.push(path);
    };

    let crashed = false;
    let rejectFailure: (e: FlowError) => void = () => {};
    const failure = new Promise<never>((_, reject) => {
      rejectFailure = reject;
    });
    failure.catch(() => {});
    const onCrash = () => {
      crashed = true;
      rejectFailure(new FlowError('tab_crashed', `${name}: the browser tab crashed`));
    };
    const onAbort = () => rejectFailure(abortError(ctx.signal));
    page.on('crash', onCrash);
    ctx.signal.addEventListener('abort', onAbort, { once: true });

    const tools: FlowTools = {
      ctx,
      page,
      log: h.log,
      secret: (ref) => h.secret(ref),
      async untraced(fn) {
        // A paused chunk is not enough: the tracer's network log spans the whole tracing session, so the
        // secret's POST would surface in the next chunk. Stop tracing entirely and start a new session after.
        await closeChunk(true);
        if (tracingOn) await withTimeout(tracing.stop().catch(() => {}), 5_000);
        try {
          return await fn();
        } finally {
          if (tracingOn && !crashed) {
            await tracing.start({ screenshots: false, snapshots: true, title: `${name} (continued)` });
            chunkOpen = true;
          }
        }
      },
      checkAborted() {
        if (ctx.signal.aborted) throw abortError(ctx.signal);
      },
    };

    const started = Date.now();
    try {
      if (ctx.signal.aborted) throw abortError(ctx.signal);
      const out = await Promise.race([body(tools, input), failure]);
      h.log.info({ flow: name, ms: Date.now() - started }, `${name} succeeded`);
      return out;
    } catch (err) {
      const fe = crashed ? new FlowError('tab_crashed', `${name}: the browser tab crashed`) : classifyError(err);
      const refs: string[] = [];
      if (!crashed) {
        const shot = await withTimeout(page.screenshot({ fullPage: true, timeout: 5_000 }).catch(() => undefined), 5_000);
        if (shot) refs.push(await ctx.artifacts.save(`${name}-screenshot.png`, shot, 'image/png'));
      }
      await closeChunk(true).catch(() => {});
      for (const [i, path] of parts.entries()) {
        const zip = await readFile(path).catch(() => null);
        if (!zip) continue;
        refs.push(await ctx.artifacts.save(`${name}-trace-${i + 1}.zip`, redactTraceZip(zip, h.secrets), 'application/zip'));
      }
      h.log.error({ flow: name, code: fe.code, retryable: fe.retryable, ms: Date.now() - started, artifacts: refs }, `${name} failed: ${fe.message}`);
      throw fe;
    } finally {
      page.off('crash', onCrash);
      ctx.signal.removeEventListener('abort', onAbort);
      if (tracingOn) {
        await closeChunk(false).catch(() => {});
        await withTimeout(tracing.stop().catch(() => {}), 5_000);
      }
      await rm(dir, { recursive: true, force: true });
    }
  };
}

export interface HttpTools {
  ctx: FlowContext;
  log: FlowLogger;
  secret(ref: string): Promise<string>;
  /** fetch with the task's signal and a per-call timeout; non-2xx → typed error unless `accept` lists it. */
  request(url: string, init: RequestInit & { what: string; accept?: number[]; timeoutMs?: number }): Promise<{ status: number; text: string }>;
  json<T>(url: string, init: RequestInit & { what: string; accept?: number[]; timeoutMs?: number }): Promise<{ status: number; body: T }>;
}

/** Wrap an HTTP flow: secrets remembered and scrubbed from logs, typed errors out. */
export function httpFlow<I, O>(name: string, body: (t: HttpTools, input: I) => Promise<O>) {
  return async (ctx: FlowContext, input: I): Promise<O> => {
    const h = harness(ctx);
    const doFetch = ctx.fetch ?? fetch;
    const tools: HttpTools = {
      ctx,
      log: h.log,
      secret: (ref) => h.secret(ref),
      async json<T>(url: string, init: RequestInit & { what: string; accept?: number[]; timeoutMs?: number }) {
        const { status, text } = await tools.request(url, init);
        try {
          return { status, body: (text ? JSON.parse(text) : null) as T };
        } catch {
          throw new FlowError('server_error', `${init.what}: answer is not JSON: ${text.slice(0, 200)}`);
        }
      },
      async request(url: string, init: RequestInit & { what: string; accept?: number[]; timeoutMs?: number }) {
        if (ctx.signal.aborted) throw abortError(ctx.signal);
        const { what, accept = [], timeoutMs, ...rest } = init;
        const timeoutSignal = AbortSignal.timeout(timeoutMs ?? ctx.settings.httpTimeoutMs ?? 30_000);
        let res: Response;
        try {
          res = await doFetch(url, { ...rest, signal: AbortSignal.any([ctx.signal, timeoutSignal]) });
        } catch (err) {
          if (ctx.signal.aborted) throw abortError(ctx.signal);
          if (timeoutSignal.aborted) throw new FlowError('timeout', `${what}: no answer within ${timeoutMs ?? ctx.settings.httpTimeoutMs ?? 30_000} ms`);
          throw classifyError(err);
        }
        const text = await res.text();
        const ok = res.ok || (res.status >= 300 && res.status < 400 && rest.redirect === 'manual');
        if (!ok && !accept.includes(res.status)) throw httpError(res.status, what, text, res.headers.get('retry-after'));
        return { status: res.status, text };
      },
    };
    const started = Date.now();
    try {
      const out = await body(tools, input);
      h.log.info({ flow: name, ms: Date.now() - started }, `${name} succeeded`);
      return out;
    } catch (err) {
      const fe = classifyError(err);
      h.log.error({ flow: name, code: fe.code, retryable: fe.retryable, ms: Date.now() - started }, `${name} failed: ${fe.message}`);
      throw fe;
    }
  };
}
