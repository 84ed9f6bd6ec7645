// The claim against a real database: kinds whose limit is used up are not read (so a long queue of them, ahead in
// priority, never hides a task that could start), the engine's own lane is read on its own, and a row another
// transaction holds is skipped, not waited for.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { sql } from 'kysely';
import { ORG, harness, type Harness } from './helpers';
import { claimTasks } from '../../src/work/claim';
import { defaultLimits } from '../../src/work/limits';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await sql`delete from registration_tasks`.execute(h.db);
});

const limits = defaultLimits({ accountGapMs: 0, browserSlots: 1 });
const HANDLER_KINDS = ['menuImport', 'registry.searchByName', 'cloudwaitressAccount'];

async function queue(kind: string, priority: number, n = 1): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    insert into registration_tasks (idempotency_key, attempt, kind, task, organisation_id, priority, input)
    select 'claim-test:' || gen_random_uuid(), 1, ${kind}, ${kind}, ${ORG}, ${priority}, '{}'::jsonb from generate_series(1, ${n})
    returning id`.execute(h.db);
  return rows.map((r) => r.id);
}

const claim = (max: number) =>
  claimTasks(h.db, { owner: 'claim-test', lanes: [{ kinds: ['deliver'], max: 1 }, { kinds: HANDLER_KINDS, max }], leaseMs: 30_000, limits });

it('with the browser budget used up, claims the non-browser task (a register search) behind 300 browser tasks, and the deliver', async () => {
  const [running] = await queue('menuImport', 500);
  await sql`update registration_tasks set status = 'running', lease_owner = 'other', lease_expires_at = now() + interval '1 minute' where id = ${running}`.execute(h.db);
  await queue('menuImport', 100, 300);
  const [search] = await queue('registry.searchByName', 0);
  const [deliver] = await queue('deliver', 0);

  const first = await claim(4);
  expect(first.tasks.map((t) => t.id).sort()).toEqual([search, deliver].sort());

  // The slot frees: the highest-priority browser task goes next, one only (one slot).
  await sql`update registration_tasks set status = 'succeeded', finished_at = now(), lease_owner = null, lease_expires_at = null where id = ${running}`.execute(h.db);
  const second = await claim(4);
  expect(second.tasks.map((t) => t.kind)).toEqual(['menuImport']);
  const { rows } = await sql<{ status: string; n: string }>`select status, count(*)::text as n from registration_tasks group by 1 order by 1`.execute(h.db);
  expect(rows).toEqual([{ status: 'queued', n: '299' }, { status: 'running', n: '3' }, { status: 'succeeded', n: '1' }]);
});

it('skips a picked task another transaction holds (say, cancelling it) instead of waiting for it', async () => {
  const [held, next] = await queue('registry.searchByName', 10, 2);
  await sql`update registration_tasks set priority = 20 where id = ${held}`.execute(h.db);
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const holder = h.db.transaction().execute(async (trx) => {
    await sql`select id from registration_tasks where id = ${held} for update`.execute(trx);
    locked();
    await released;
  });
  await isLocked;
  // Were the claim to wait for the lock, it would never return (the holder lets go only after it): the test times out.
  const res = await claim(1);
  release();
  await holder;
  // The held task was picked first (priority 20) and skipped at the lock; this round claims nothing rather than wait.
  expect(res.tasks).toEqual([]);
  const again = await claim(2);
  expect(again.tasks.map((t) => t.id).sort()).toEqual([held, next].sort());
});

it('account creations waiting for their gap do not hold back the tasks queued behind them', async () => {
  await queue('cloudwaitressAccount', 300, 40);
  const [search] = await queue('registry.searchByName', 0);
  await sql`insert into registration_rate_limits (key, next_allowed_at) values (${`account:${ORG}`}, now() + interval '1 hour')
    on conflict (key) do update set next_allowed_at = excluded.next_allowed_at`.execute(h.db);
  const res = await claim(4);
  expect(res.tasks.map((t) => t.id)).toEqual([search]);
  // And the claim says when the held-back account creation may start.
  expect(res.wakeAt).toBeGreaterThan(Date.now() + 3_000_000);
  await sql`delete from registration_rate_limits`.execute(h.db);
  const next = await claim(4);
  expect(next.tasks.map((t) => t.kind)).toEqual(['cloudwaitressAccount']);
});
