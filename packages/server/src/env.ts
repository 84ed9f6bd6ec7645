// The one schema of the process environment. Only the CLI / main entry calls parseEnv(process.env); everything
// else receives the parsed values. Add new variables here (and to the README's table).
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from './db/paths';

const postgresUrl = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\//.test(value) && URL.canParse(value), {
    message: 'expected a postgres:// or postgresql:// connection URL',
  });

export const EnvSchema = z.object({
  /** Any PostgreSQL >= 15 (Supabase, a service). When unset, the embedded PostgreSQL under REGBATCH_HOME is used. */
  DATABASE_URL: postgresUrl.optional(),
  /** Test suites only: the server the test harness clones its databases on (falls back to DATABASE_URL, then embedded). */
  TEST_DATABASE_URL: postgresUrl.optional(),
  /** The project's state directory (embedded PostgreSQL data, keys, storage). Default: <checkout>/.regbatch. */
  REGBATCH_HOME: z
    .string()
    .min(1)
    .optional()
    .transform((value) => path.resolve(value ?? path.join(projectRoot(), '.regbatch'))),
  /** Port of the embedded PostgreSQL. */
  REGBATCH_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  /** Keys encrypting stored secrets: comma-separated `keyId:base64(32 bytes)`, newest first (older ones still decrypt).
   *  Unset: a key generated into REGBATCH_HOME/secret.key. */
  REGBATCH_SECRET_KEYS: z.string().min(1).optional(),
  /** API (regbatch serve): Supabase's JWT secret (HS256). With neither it nor SUPABASE_JWKS_URL the server runs in local
   *  mode: tokens are signed with a generated secret in REGBATCH_HOME/jwt-secret (`regbatch dev-token`). */
  SUPABASE_JWT_SECRET: z.string().min(16).optional(),
  /** API: the project's JWKS URL (asymmetric Supabase signing keys), e.g. https://<ref>.supabase.co/auth/v1/.well-known/jwks.json */
  SUPABASE_JWKS_URL: z.string().url().optional(),
  /** API: expected token issuer (optional), e.g. https://<ref>.supabase.co/auth/v1 */
  SUPABASE_JWT_ISSUER: z.string().min(1).optional(),
  /** API listen address and port. */
  REGBATCH_API_HOST: z.string().min(1).default('127.0.0.1'),
  REGBATCH_API_PORT: z.coerce.number().int().min(0).max(65535).default(3007),
  /** Days a failed attempt's screenshots and traces are kept before the purge removes them. */
  REGBATCH_ARTIFACT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Workers with real handlers: the Chromium binary (default /usr/bin/chromium, else Playwright's own download). */
  CHROMIUM_PATH: z.string().min(1).optional(),
  /** Workers with real handlers: a remote Playwright browser server (ws://...) used instead of a local Chromium. */
  BROWSER_WS_ENDPOINT: z.string().regex(/^wss?:\/\//, { message: 'expected a ws:// or wss:// URL' }).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.output<typeof EnvSchema>;

export class EnvError extends Error {
  readonly code = 'ENV_INVALID';
  readonly retryable = false;
  constructor(readonly issues: string[]) {
    super(`Invalid environment:\n  ${issues.join('\n  ')}`);
    this.name = 'EnvError';
  }
}

/** Parses the environment; an empty variable counts as unset. Throws EnvError naming each bad variable and value. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const present: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const value = source[key];
    if (value !== undefined && value !== '') present[key] = value;
  }
  const result = EnvSchema.safeParse(present);
  if (result.success) return result.data;
  throw new EnvError(
    result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      // A secret's value is never echoed, only its length; URLs lose their password.
      const shown = /SECRET|PASSWORD/.test(key)
        ? `<${present[key]?.length ?? 0} characters>`
        : /URL|KEY/.test(key)
          ? redact(present[key])
          : present[key];
      return `${key}=${JSON.stringify(shown)}: ${issue.message}`;
    }),
  );
}

/** Hides the password of a URL-like value in error messages. */
function redact(value: string | undefined): string | undefined {
  return value?.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
