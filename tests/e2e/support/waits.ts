// Waiting on what the API reports (used to set a scene; what the page shows is asserted in the tests themselves).
import { expect } from '@playwright/test';
import type { Api } from './fixtures';

export interface ReviewItem {
  jobId: string;
  batchId: string;
  kind: 'search' | 'company' | 'config';
  candidates: { company_number: string; score?: number }[] | null;
  proposedConfig?: unknown;
}

export async function reviewsOf(
  api: Api,
  batchId: string,
  kind: ReviewItem['kind'] | 'all',
  count: number,
): Promise<ReviewItem[]> {
  let items: ReviewItem[] = [];
  await expect
    .poll(
      async () => {
        const list = await api.query<{ items: ReviewItem[] }>('reviews.list', { batchId, ...(kind === 'all' ? {} : { kind }), limit: 100 });
        items = list.items;
        return items.length;
      },
      { timeout: 90_000, intervals: [500, 1000] },
    )
    .toBeGreaterThanOrEqual(count);
  return items;
}

export interface JobView {
  id: string;
  status: string;
  state: unknown;
}

export async function jobUntil(
  api: Api,
  jobId: string,
  ok: (job: JobView) => boolean,
  timeout = 120_000,
): Promise<JobView> {
  let job: JobView | null = null;
  await expect
    .poll(
      async () => {
        job = await api.query<JobView>('jobs.get', { jobId });
        return ok(job);
      },
      { timeout, intervals: [500, 1000] },
    )
    .toBe(true);
  return job!;
}

/** State node ids of a snapshot value, as the web client computes them (root id "job"). */
export function stateIds(value: unknown, prefix = 'job'): string[] {
  const out = [prefix];
  if (typeof value === 'string') out.push(`${prefix}.${value}`);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...stateIds(v, `${prefix}.${k}`));
  return out;
}
