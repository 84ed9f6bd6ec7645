// Live updates over SSE: a client that disconnects mid-batch while events keep committing (from many concurrent
// transactions, one of them slow and holding a smaller event id), then reconnects with its last cursor, receives
// every later event exactly once, in commit order; the job stream resumes by revision.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql } from 'kysely';
import { ORG_A, SEED_USERS, apiHarness, makeRestaurants, waitFor, type ApiHarness, type Client } from './helpers';

let h: ApiHarness;
let userA: Client;
let tokenA: string;

beforeAll(async () => {
  h = await apiHarness();
  tokenA = await h.token(SEED_USERS.userA);
  userA = h.client(tokenA);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

interface Received {
  id: string;
  data: { eventId?: string; revision: number; type: string; jobId?: string | null };
}

/** Subscribes and collects tracked messages until `stop()` (which closes the EventSource). */
function collect(subscribe: (handlers: { onData: (d: unknown) => void; onError: (e: unknown) => void }) => { unsubscribe(): void }) {
  const messages: Received[] = [];
  const errors: unknown[] = [];
  const sub = subscribe({ onData: (d) => messages.push(d as Received), onError: (e) => errors.push(e) });
  return { messages, errors, stop: () => sub.unsubscribe() };
}

const cmp = (a: string, b: string): number => {
  const [at, ai] = a.split('.').map(BigInt) as [bigint, bigint];
  const [bt, bi] = b.split('.').map(BigInt) as [bigint, bigint];
  return at === bt ? (ai < bi ? -1 : ai > bi ? 1 : 0) : at < bt ? -1 : 1;
};

describe('batches.onChange', () => {
  it('resumes after a disconnect with no gap and no repeat while events commit concurrently, including a slow transaction', async () => {
    const ids = await makeRestaurants(h.db, ORG_A, 6, 'Stream');
    const created = await userA.batches.create.mutate({ name: 'Streamed', restaurantIds: ids, autoPolicies: { select: 'confident', config: 'defaults' } });
    const head = (await userA.batches.get.query({ batchId: created.batchId })).streamCursor;
    await h.worker({ simulate: { durations: { default: { minMs: 5, maxMs: 40 } } } });
    await h.worker({ simulate: { durations: { default: { minMs: 5, maxMs: 40 } } } });

    const first = collect((handlers) => userA.batches.onChange.subscribe({ batchId: created.batchId, lastEventId: head }, handlers));
    await userA.batches.start.mutate({ batchId: created.batchId });
    await waitFor(async () => first.messages.length >= 25 || undefined, 20_000, '25 events on the first connection');

    // A slow writer: its event takes an id now, but commits only after later events (with larger ids) committed.
    const slow = new pg.Client({ connectionString: h.tdb.url });
    await slow.connect();
    await slow.query('begin');
    const { rows } = await slow.query<{ id: string }>(
      `insert into registration_job_events (batch_id, organisation_id, revision, event, actor) values ($1, $2, 0, '{"type":"test.slow"}', 'test') returning id::text as id`,
      [created.batchId, ORG_A],
    );
    const slowId = rows[0]!.id;

    first.stop();
    const last = first.messages[first.messages.length - 1]!.id;
    // Events keep committing while nobody listens; the slow transaction is still open.
    await waitFor(async () => {
      const { rows: r } = await sql<{ n: string }>`select count(*)::text as n from registration_job_events where batch_id = ${created.batchId} and id > ${slowId}`.execute(h.db);
      return Number(r[0]!.n) >= 10 || undefined;
    }, 20_000, 'events committed after the slow one took its id');

    const second = collect((handlers) => userA.batches.onChange.subscribe({ batchId: created.batchId, lastEventId: last }, handlers));
    await new Promise((r) => setTimeout(r, 300));
    await slow.query('commit');
    await slow.end();

    await waitFor(async () => (await userA.batches.get.query({ batchId: created.batchId })).status === 'completed' || undefined, 30_000, 'the batch to complete');
    const { rows: expected } = await sql<{ cursor: string }>`
      select e.txid::text || '.' || e.id::text as cursor from registration_job_events e
       where e.batch_id = ${created.batchId} and (e.txid, e.id) > (${head.split('.')[0]}::xid8, 0) order by e.txid, e.id`.execute(h.db);
    await waitFor(async () => first.messages.length + second.messages.length >= expected.length || undefined, 10_000, 'every event to arrive');
    await new Promise((r) => setTimeout(r, 300));
    second.stop();

    const received = [...first.messages, ...second.messages];
    expect(first.errors).toEqual([]);
    expect(second.errors).toEqual([]);
    expect(second.messages.length).toBeGreaterThan(10);
    expect(received.map((m) => m.id)).toEqual(expected.map((e) => e.cursor));
    expect(new Set(received.map((m) => m.data.eventId)).size).toBe(received.length);
    expect(received.some((m) => m.data.eventId === slowId)).toBe(true);
    for (let i = 1; i < received.length; i++) expect(cmp(received[i - 1]!.id, received[i]!.id)).toBe(-1);
    // Commit order differs from id order here: the slow event has a smaller id than events delivered before it.
    const slowIndex = received.findIndex((m) => m.data.eventId === slowId);
    expect(received.slice(0, slowIndex).some((m) => BigInt(m.data.eventId!) > BigInt(slowId))).toBe(true);
    // SSE clients send their token as a connection parameter in the URL; request logs never show it.
    expect(h.logLines.some((l) => l.includes('batches.onChange'))).toBe(true);
    for (const line of h.logLines) expect(line).not.toContain(tokenA);
  }, 90_000);

  it("refuses another organisation's batch stream as NOT_FOUND", async () => {
    const userB = h.client(await h.token(SEED_USERS.userB));
    const { rows } = await sql<{ id: string }>`select id from registration_batch_jobs where organisation_id = ${ORG_A} limit 1`.execute(h.db);
    const sub = collect((handlers) => userB.batches.onChange.subscribe({ batchId: rows[0]!.id }, handlers));
    await waitFor(async () => sub.errors.length > 0 || undefined, 10_000, 'the stream error');
    sub.stop();
    expect((sub.errors[0] as { data?: { code?: string } }).data?.code).toBe('NOT_FOUND');
    expect(sub.messages).toEqual([]);
  });
});

describe('jobs.onChange', () => {
  it('resumes from the last revision received: every revision once, in order', async () => {
    const ids = await makeRestaurants(h.db, ORG_A, 1, 'Solo');
    const created = await userA.batches.create.mutate({ name: 'Solo', restaurantIds: ids, autoPolicies: { select: 'confident', config: 'defaults' } });
    const jobId = created.jobIds[0]!;
    const first = collect((handlers) => userA.jobs.onChange.subscribe({ jobId, lastEventId: '0' }, handlers));
    await userA.batches.start.mutate({ batchId: created.batchId });
    await waitFor(async () => first.messages.length >= 8 || undefined, 20_000, 'eight job events');
    first.stop();
    const last = first.messages[first.messages.length - 1]!.id;
    await new Promise((r) => setTimeout(r, 200));
    const second = collect((handlers) => userA.jobs.onChange.subscribe({ jobId, lastEventId: last }, handlers));
    await waitFor(async () => (await userA.jobs.get.query({ jobId })).status === 'completed' || undefined, 30_000, 'the job to complete');
    const final = (await userA.jobs.get.query({ jobId })).revision;
    await waitFor(async () => second.messages.some((m) => m.data.revision === final) || undefined, 10_000, 'the final revision');
    second.stop();
    const revisions = [...first.messages, ...second.messages].map((m) => m.data.revision);
    expect(revisions).toEqual(Array.from({ length: final }, (_, i) => i + 1));
  }, 60_000);
});

describe('batches.onListChange', () => {
  it("streams the batch-level events of the user's organisations only, resumable by cursor", async () => {
    const userB = h.client(await h.token(SEED_USERS.userB));
    const a = collect((handlers) => userA.batches.onListChange.subscribe({}, handlers));
    const b = collect((handlers) => userB.batches.onListChange.subscribe({}, handlers));
    await new Promise((r) => setTimeout(r, 500));
    const ids = await makeRestaurants(h.db, ORG_A, 2, 'Listed');
    const created = await userA.batches.create.mutate({ name: 'Listed', restaurantIds: ids, autoPolicies: { select: 'confident', config: 'defaults' }, start: true });
    await waitFor(async () => (await userA.batches.get.query({ batchId: created.batchId })).status === 'completed' || undefined, 30_000, 'the listed batch to complete');
    await waitFor(async () => a.messages.some((m) => m.data.type === 'job.finished') || undefined, 10_000, 'job reports on the list stream');
    await new Promise((r) => setTimeout(r, 300));
    a.stop();
    b.stop();
    const types = a.messages.map((m) => m.data.type);
    expect(types[0]).toBe('engine.created');
    expect(types).toContain('batch.start');
    expect(types.filter((t) => t === 'job.finished')).toHaveLength(2);
    expect(a.messages.every((m) => (m.data as { batchId?: string }).batchId === created.batchId)).toBe(true);
    expect(b.messages).toEqual([]);
    // Resuming from the middle gives exactly the rest.
    const { rows } = await sql<{ cursor: string }>`
      select e.txid::text || '.' || e.id::text as cursor from registration_job_events e
       where e.batch_id = ${created.batchId} and e.job_id is null order by e.txid, e.id`.execute(h.db);
    expect(a.messages.map((m) => m.id)).toEqual(rows.map((r) => r.cursor));
    const middle = a.messages[Math.floor(a.messages.length / 2)]!.id;
    const resumed = collect((handlers) => userA.batches.onListChange.subscribe({ lastEventId: middle }, handlers));
    await waitFor(async () => resumed.messages.length >= a.messages.length - Math.floor(a.messages.length / 2) - 1 || undefined, 10_000, 'the resumed tail');
    await new Promise((r) => setTimeout(r, 300));
    resumed.stop();
    expect(resumed.messages.map((m) => m.id)).toEqual(a.messages.slice(Math.floor(a.messages.length / 2) + 1).map((m) => m.id));
  }, 60_000);
});
