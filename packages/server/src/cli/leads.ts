// `regbatch leads import FILE`: the API's leads.import (automation's parser + the importer), called in-process as
// the --as user. A file with a bad row imports nothing and exits non-zero naming each row, unless --skip-bad-rows.
import path from 'node:path';
import type { Command } from 'commander';
import type { LeadsImportResult, LeadRowError } from '../api/leads';
import type { CliContext } from './context';
import { DEFAULT_CLI_USER, openCliSession, type CliSession } from './session';

export interface LeadsImportCliOptions {
  dryRun?: boolean;
  skipBadRows?: boolean;
  json?: boolean;
  as?: string;
}

export class LeadsFileRejected extends Error {
  readonly code = 'leads_rejected';
  readonly retryable = false;
  constructor(
    readonly file: string,
    readonly errors: readonly LeadRowError[],
  ) {
    super(`${file}: ${errors.length} bad row(s), nothing imported (fix them, or pass --skip-bad-rows to import the rest):\n${errors.map((e) => `  ${formatRowError(e)}`).join('\n')}`);
    this.name = 'LeadsFileRejected';
  }
}

export function formatRowError(e: LeadRowError): string {
  const what = e.field ? ` ${e.field}${e.value !== undefined ? ` ${JSON.stringify(e.value)}` : ''}` : '';
  return `line ${e.line}:${what} ${e.message}`;
}

/**
 * Imports a leads file through the session's API caller. Validates first (a dry run), so a file with a bad row
 * writes nothing unless `skipBadRows`; then imports in one transaction (the importer's).
 */
export async function importLeads(session: CliSession, file: string, options: { dryRun?: boolean | undefined; skipBadRows?: boolean | undefined } = {}): Promise<LeadsImportResult> {
  const absolute = path.resolve(file);
  const check = await session.api.leads.import({ path: absolute, dryRun: true });
  if (check.errors.length > 0 && !options.skipBadRows) throw new LeadsFileRejected(file, check.errors);
  if (check.valid === 0) throw new LeadsFileRejected(file, [{ line: 1, message: 'the file has no valid lead' }]);
  if (options.dryRun) return check;
  return session.api.leads.import({ path: absolute, dryRun: false });
}

export function describeImport(file: string, r: LeadsImportResult, dryRun: boolean): string[] {
  const lines = dryRun
    ? [`${file}: ${r.valid} valid lead(s); nothing written (dry run)`]
    : [`${file}: ${r.imported} restaurant(s) imported, ${r.updated} updated`];
  for (const d of r.duplicates) lines.push(`  line ${d.line}: ${d.message}`);
  for (const e of r.errors) lines.push(`  skipped ${formatRowError(e)}`);
  return lines;
}

export function registerLeadsCommand(program: Command, ctx: CliContext): void {
  const leads = program.command('leads').description('Leads (restaurants to onboard)');
  leads
    .command('import')
    .argument('<file>', 'leads CSV (menu files it names are resolved relative to it)')
    .description('Import a leads CSV into the organisation as restaurants (a re-import updates, never duplicates).')
    .option('--dry-run', 'validate only; write nothing')
    .option('--skip-bad-rows', 'import the valid rows even if some are bad (they are listed)')
    .option('--json', 'print the result as JSON')
    .option('--as <email>', `act as this user (default ${DEFAULT_CLI_USER})`)
    .action(async (file: string, o: LeadsImportCliOptions) => {
      const session = await openCliSession(ctx.env, ctx.log, { as: o.as });
      try {
        const result = await importLeads(session, file, { dryRun: o.dryRun, skipBadRows: o.skipBadRows });
        if (o.json) ctx.print(JSON.stringify(result));
        else for (const line of describeImport(file, result, o.dryRun === true)) ctx.print(line);
      } catch (error) {
        if (o.json && error instanceof LeadsFileRejected) ctx.print(JSON.stringify({ file, errors: error.errors }));
        throw error;
      } finally {
        await session.close();
      }
    });
}
