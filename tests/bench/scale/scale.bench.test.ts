// Scale benchmark (DESIGN §11, issue 9): a 10,000-restaurant batch (creation time), then p50/p95 latency of the
// paginated list, detail, review inbox, state-count and counter reads through the real API (HTTP + tRPC) as an
// authenticated organisation user, so RLS is on. Printed against the 50 ms budget; writes bench-results/scale-*.json.
// Run: pnpm bench:scale   (BENCH_SCALE_N=10000, BENCH_SCALE_ROUNDS=40)
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ORG_A, SEED_USERS, apiHarness, type ApiHarness, type Client } from '../../../packages/server/test/api/helpers';
import { pct, table, writeResult } from '../support';

const N = Number(process.env['BENCH_SCALE_N'] ?? 10_000);
const ROUNDS = Number(process.env['BENCH_SCALE_ROUNDS'] ?? 40);
let h: ApiHarness;
let client: Client;
beforeAll(async () => {
  h = await apiHarness();
  client = h.client(await h.token(SEED_USERS.userA));
});
afterAll(async () => {
  await h?.close();
});

it(`creates a ${N}-restaurant batch and reads it through the API`, async () => {
  const { rows } = await sql<{ id: string; name: string }>`
    insert into restaurants (name, organisation_id, address, city)
    select 'Scale ' || g, ${ORG_A}, g || ' Queen Street', 'Auckland' from generate_series(1, ${N}) g returning id, name`.execute(h.db);
  const t0 = performance.now();
  const { batchId, jobIds } = await h.rt.engine.createBatch({
    organisationId: ORG_A,
    name: `Scale ${N}`,
    restaurants: rows.map((r) => ({ restaurant: { id: r.id, name: r.name, address: '1 Queen Street', city: 'Auckland' } })),
  });
  const createMs = performance.now() - t0;
  expect(jobIds).toHaveLength(N);
  await sql`analyze`.execute(h.db);

  const reads: Record<string, () => Promise<unknown>> = {
    'batches.list (page 1)': () => client.batches.list.query({ limit: 50 }),
    'batches.get (detail + counters)': () => client.batches.get.query({ batchId }),
    'jobs.list (page 1 of the batch)': () => client.jobs.list.query({ batchId, limit: 50 }),
    'jobs.list (page 100)': () => client.jobs.list.query({ batchId, limit: 50, offset: 4_950 }),
    'jobs.get (one job)': () => client.jobs.get.query({ jobId: jobIds[Math.floor(N / 2)]! }),
    'reviews.list (inbox)': () => client.reviews.list.query({ limit: 50 }),
    'batches.stateCounts': () => client.batches.stateCounts.query({ batchId }),
  };
  const results: Record<string, string | number>[] = [];
  for (const [name, read] of Object.entries(reads)) {
    await read();
    const ms: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const s = performance.now();
      await read();
      ms.push(performance.now() - s);
    }
    const p95 = pct(ms, 95);
    results.push({ read: name, p50_ms: pct(ms, 50), p95_ms: p95, budget_ms: 50, verdict: p95 <= 50 ? 'within' : `over by ${(p95 - 50).toFixed(0)} ms` });
  }
  console.log(`scale: ${N}-restaurant batch created in ${createMs.toFixed(0)} ms [DESIGN §11: ≤ 5,000 ms]; ${ROUNDS} rounds per read over HTTP as ${SEED_USERS.userA.email} (RLS on)\n${table(results)}`);
  console.log(`wrote ${writeResult('scale', { restaurants: N, createMs, rounds: ROUNDS, results })}`);
});
