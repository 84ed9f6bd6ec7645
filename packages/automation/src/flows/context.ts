// What a flow receives (DESIGN §6): a page or HTTP access, a logger, an AbortSignal, an artifacts sink,
// a secret resolver, and the organisation's portal settings. Flows are `async (ctx, input) => output`.
import type { Page } from 'playwright-core';

export interface FlowLogger {
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
  debug?(obj: Record<string, unknown>, msg?: string): void;
}

export interface ArtifactSink {
  /** Store one artifact of the current attempt; returns a reference the task row keeps. */
  save(name: string, data: Uint8Array, contentType: string): Promise<string>;
}

export interface SecretResolver {
  /** The plain value of a secret reference, resolved at the moment of use. */
  resolve(ref: string): Promise<string>;
}

/** Organisation settings the flows read (DESIGN §5): target URLs, credentials as secret references. */
export interface PortalSettings {
  /** e.g. https://admin.pumpd.co.nz, or <sandbox>/admin */
  adminUrl: string;
  manageUrl: string;
  manageEmail: string;
  managePasswordRef: string;
  /** CloudWaitress REST API base (register/start, register/verify). */
  apiUrl: string;
  integratorId: string;
  integratorSecretRef: string;
  verificationCodeRef: string;
  /** Onboarding database (PostgREST) base URL and its API key. */
  onboardingUrl: string;
  onboardingKeyRef: string;
  /** Image CDN base URL and its keys. */
  cdnUrl: string;
  cdnPublicKey: string;
  cdnSecretRef: string;
  storeDomain: string;
  locale: string;
  timezone: string;
  currency: string;
  /** Default Playwright action/navigation timeout (ms). */
  actionTimeoutMs?: number;
  /** Timeout for one HTTP call (ms). */
  httpTimeoutMs?: number;
}

export interface FlowContext {
  page?: Page;
  fetch?: typeof fetch;
  log: FlowLogger;
  signal: AbortSignal;
  artifacts: ArtifactSink;
  secrets: SecretResolver;
  settings: PortalSettings;
}

export type Flow<I, O> = (ctx: FlowContext, input: I) => Promise<O>;

/** The admin-portal login of the restaurant's account: e-mail plus a secret reference, never the password. */
export interface AccountLogin {
  email: string;
  passwordRef: string;
}

/** An image handed to an upload: the bytes (restaurants keep logos as data), named by the caller. */
export interface ImageInput {
  fileName: string;
  mimeType: string;
  data: Uint8Array;
}
