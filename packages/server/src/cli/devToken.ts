// `regbatch dev-token --user <email>`: in local mode, a Supabase-shaped token for a seeded user, signed with the
// generated secret in REGBATCH_HOME/jwt-secret (the same one `regbatch serve` verifies with).
import type { Command } from 'commander';
import { loadOrCreateLocalJwtSecret, signDevToken } from '../auth/local';
import { SEED_USERS } from '../db/seedIdentities';
import type { CliContext } from './context';

export function registerDevTokenCommand(program: Command, ctx: CliContext): void {
  program
    .command('dev-token')
    .description('Local mode only: print a bearer token for a seeded user (see supabase/seed.sql).')
    .requiredOption('--user <email>', `the user's email (${Object.values(SEED_USERS).map((u) => u.email).join(', ')})`)
    .option('--ttl <seconds>', 'lifetime of the token', String(12 * 3600))
    .option('--json', 'print { token, user } as JSON')
    .action(async (o: { user: string; ttl: string; json?: boolean }) => {
      if (ctx.env.SUPABASE_JWT_SECRET || ctx.env.SUPABASE_JWKS_URL) {
        throw new Error('dev-token works in local mode only: SUPABASE_JWT_SECRET or SUPABASE_JWKS_URL is set, so tokens come from Supabase Auth');
      }
      const ttl = Number(o.ttl);
      if (!Number.isInteger(ttl) || ttl < 60) throw new Error(`--ttl must be an integer number of seconds >= 60, got "${o.ttl}"`);
      const email = o.user.trim().toLowerCase();
      const user = Object.values(SEED_USERS).find((u) => u.email === email);
      if (!user) {
        throw new Error(`--user: ${JSON.stringify(o.user)} is not a seeded user (known: ${Object.values(SEED_USERS).map((u) => u.email).join(', ')})`);
      }
      const token = await signDevToken(loadOrCreateLocalJwtSecret(ctx.env.REGBATCH_HOME), { id: user.id, email: user.email }, { ttlSeconds: ttl });
      ctx.print(o.json ? JSON.stringify({ token, user }) : token);
    });
}
