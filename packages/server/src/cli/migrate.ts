// `regbatch migrate`: applies the schema to the chosen database (DATABASE_URL, or the embedded one).
import type { Command } from 'commander';
import { openDatabase } from '../db/connect';
import { migrate } from '../db/migrate';
import type { CliContext } from './context';

export function registerMigrateCommand(program: Command, ctx: CliContext): void {
  program
    .command('migrate')
    .description(
      'Apply the schema: the outside-Supabase bootstrap when the auth schema is missing, then every ' +
        'supabase/migrations file not yet recorded. Uses DATABASE_URL, or starts the embedded PostgreSQL.',
    )
    .option('--seed', 'also apply supabase/seed.sql (two organisations and their dev users)')
    .option('--json', 'print the result as JSON')
    .action(async (options: { seed?: boolean; json?: boolean }) => {
      const database = await openDatabase(ctx.env, ctx.log);
      try {
        const result = await migrate(database.url, { seed: options.seed === true, log: ctx.log });
        if (options.json) {
          ctx.print(JSON.stringify(result));
        } else {
          const where = database.embedded ? `embedded PostgreSQL (${database.embedded.dataDir}, port ${database.embedded.port})` : 'DATABASE_URL';
          ctx.print(
            `${where}: ${result.bootstrapped ? 'bootstrap applied; ' : ''}` +
              `${result.applied.length} migration(s) applied, ${result.alreadyApplied.length} already applied` +
              `${result.seeded ? '; seed applied' : ''}.`,
          );
          for (const file of result.applied) ctx.print(`  + ${file}`);
        }
      } finally {
        await database.close();
      }
    });
}
