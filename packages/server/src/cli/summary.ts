// The summary of a batch, one row per restaurant: the company chosen at step 3 (or "no match"), the outcome and
// how long it took; read with the service connection after the user's visibility was checked by batches.get.
import { sql } from 'kysely';
import type { Db } from '../db/index';
import type { CliSession } from './session';
import { describeJob, type BatchProgress } from './progress';

export interface SummaryRow {
  readonly jobId: string;
  readonly restaurantId: string;
  readonly restaurant: string;
  /** "Name (company number)", "no match", or null while undecided. */
  readonly company: string | null;
  readonly companyNumber: string | null;
  readonly outcome: string;
  readonly durationMs: number | null;
  readonly loginEmail: string | null;
  readonly error: string | null;
}

export async function readSummary(session: CliSession, batchId: string): Promise<SummaryRow[]> {
  await session.api.batches.get({ batchId }); // visibility as the user; the rows below are read with the service role
  return summaryRowsOf(session.db, batchId);
}

/** The summary rows of a batch, read with the connection given (no visibility check: callers make it). */
export async function summaryRowsOf(db: Db, batchId: string): Promise<SummaryRow[]> {
  const { rows } = await sql<{
    job_id: string; restaurant_id: string; name: string; status: string; error_message: string | null;
    started_at: Date | null; completed_at: Date | null; now: Date;
    search_status: string | null; company_number: string | null; company_name: string | null; login_email: string | null;
  }>`
    select j.id as job_id, r.id as restaurant_id, r.name, j.status, j.error_message, j.started_at, j.completed_at, now() as now,
           c.status as search_status, c.selected_company_number as company_number,
           coalesce(c.selected_company_data->>'company_name', c.selected_company_data->>'entity_name') as company_name,
           coalesce(j.execution_config->>'email', (select a.email from pumpd_accounts a where a.restaurant_id = r.id order by a.created_at desc limit 1)) as login_email
      from registration_jobs j
      join restaurants r on r.id = j.restaurant_id
      left join lateral (select * from companies_office_search_candidates x where x.registration_job_id = j.id order by x.created_at desc limit 1) c on true
     where j.batch_job_id = ${batchId}
     order by r.name, j.id`.execute(db);
  return rows.map((r) => {
    const end = r.completed_at ?? (['completed', 'failed', 'cancelled'].includes(r.status) ? null : r.now);
    return {
      jobId: r.job_id,
      restaurantId: r.restaurant_id,
      restaurant: r.name,
      company: r.company_number ? `${r.company_name ?? 'company'} (${r.company_number})` : r.search_status === 'no_match' ? 'no match' : null,
      companyNumber: r.company_number,
      outcome: r.status,
      durationMs: r.started_at && end ? new Date(end).getTime() - new Date(r.started_at).getTime() : null,
      loginEmail: r.login_email,
      error: r.error_message,
    };
  });
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return '-';
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** A plain text table: columns padded to their widest cell (cut at `max`). */
export function table(header: readonly string[], rows: readonly (readonly string[])[], max = 48): string {
  const cut = (s: string) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
  const cells = [header, ...rows].map((r) => r.map(cut));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** restaurant | company chosen | outcome | duration; the outcome says where an unfinished job is. */
export function renderSummary(rows: readonly SummaryRow[], progress?: BatchProgress): string {
  const where = new Map(progress?.jobs.map((j) => [j.id, describeJob(j)]) ?? []);
  return table(
    ['restaurant', 'company chosen', 'outcome', 'duration'],
    rows.map((r) => [
      r.restaurant,
      r.company ?? '-',
      r.outcome === 'failed' && r.error ? `failed: ${r.error}` : r.outcome === 'completed' || r.outcome === 'cancelled' ? r.outcome : (where.get(r.jobId) ?? r.outcome),
      formatDuration(r.durationMs),
    ]),
    60,
  );
}
