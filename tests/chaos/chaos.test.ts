// Chaos, end to end (issue 9): the real flows in Chromium against the sandbox with faults on (≈10 % 500s on saves, one
// expired session, 429 bursts on the registration API, a browser tab crash per ~50 tasks) while the test kill -9s the
// `regbatch serve` and `regbatch worker` processes at random every 10-20 s and restarts them. The sandbox is its own
// process, never killed, so its ledger (and duplicate report) spans every crash; PostgreSQL belongs to the harness.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPortalClient, parseLeadsFile, type PortalClient } from '@regbatch/automation';
import { createEngineRuntime, createLeadsImporter, parseKeyringSpec, restaurantFacts, type EngineRuntime } from '@regbatch/server';
import { createTestDatabase, type TestDatabase } from '@regbatch/server/testing';
import { REGBATCH_BIN, SERVER_DIR, replay } from '../../packages/server/test/engine/helpers';
import { summaryRowsOf } from '../../packages/server/src/cli/summary';
import { renderVerification, verifyAgainstSandbox } from '../../packages/server/src/cli/verify';
import { EXPECTED_MATCHES, LEADS_CSV, ORG, PERSON, SYSTEM, describeBatch, log, type Env } from '../integration/support';

/** Restaurants in the batch: the fixture leads (25); CHAOS_RESTAURANTS takes fewer on a slow machine. */
const N = Number(process.env['CHAOS_RESTAURANTS'] ?? 25);
/**
 * How long the batch may take to settle under chaos. On this 2-core machine the batch is bound by its browser work:
 * ~300 step-6 sub-steps plus the attempts the 500s fail (websiteConfig alone saves ~10 sections, so ~65 % of its
 * attempts meet a 500) through 3 browser slots, each kill holding its tasks' slots until their leases expire.
 * Measured: 25 restaurants settle in 10-14 minutes on a quiet machine, 16 minutes at a load average of 11 (2026-12-04).
 * The deadline leaves room for a slow CI machine; the vitest timeout (vitest.config.ts) follows it.
 */
const DEADLINE_MS = Number(process.env['CHAOS_DEADLINE_S'] ?? 2600) * 1000;
const LEASE_MS = 8_000;
/** kill -9 every KILL_MIN_S..KILL_MAX_S seconds (10-20 by default; a machine shared with other runs needs longer). */
const KILL_MIN_S = Number(process.env['CHAOS_KILL_MIN_S'] ?? 10);
const KILL_MAX_S = Number(process.env['CHAOS_KILL_MAX_S'] ?? 20);
const nextKillIn = () => (KILL_MIN_S + Math.random() * (KILL_MAX_S - KILL_MIN_S)) * 1000;

let tdb: TestDatabase;
let rt: EngineRuntime;
let home: string;
let keySpec: string;
let sandbox: ChildProcess | undefined;
let sandboxUrl = '';
let portal: PortalClient;
const children = new Set<ChildProcess>();

interface Proc {
  name: string;
  child: ChildProcess;
  out: () => string;
  ready: Promise<void>;
}

function launch(name: string, args: readonly string[], readyText: string): Proc {
  const child = spawn(process.execPath, [REGBATCH_BIN, ...args], {
    cwd: SERVER_DIR,
    env: { ...process.env, DATABASE_URL: tdb.url, REGBATCH_SECRET_KEYS: keySpec, REGBATCH_HOME: home, LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let out = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    child.once('exit', (code, signal) => reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${out.slice(-3000)}`)));
  });
  ready.catch(() => undefined);
  const onData = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
    if (out.includes(readyText)) markReady();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return { name, child, out: () => out, ready };
}

const WORKER_ARGS = ['--target', 'real', '--concurrency', '3', '--lease-ms', String(LEASE_MS), '--poll-ms', '1000', '--account-gap-ms', '300', '--browser-slots', '3', '--reconcile-ms', '5000'];
const startWorker = (i: number) => launch(`worker ${i}`, ['worker', ...WORKER_ARGS, '--sandbox-url', sandboxUrl], ' running (');
const startServer = () =>
  launch('serve', ['serve', '--port', '0', '--no-web', '--workers', '1', '--target', 'real', '--browser-slots', '3', '--account-gap-ms', '300', '--sandbox-url', sandboxUrl], 'regbatch API on ');

function killed(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    p.child.once('exit', () => resolve());
    p.child.kill('SIGKILL');
  });
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  keySpec = `chaos:${randomBytes(32).toString('base64')}`;
  rt = createEngineRuntime({ url: tdb.url, log, keyring: parseKeyringSpec(keySpec), poolSize: 6 });
  home = mkdtempSync(join(tmpdir(), 'regbatch-chaos-'));
  await sql`update public.organisations set settings = ${JSON.stringify({ target: 'sandbox' })}::jsonb where id = ${ORG}`.execute(rt.db);
  // ≈10 % of saves answer 500 for the whole run; the other faults are switched on and off by the test below.
  const faults = { 'portal.save': { errorRate: 0.1, errorStatus: 500 } };
  const sb = launch('sandbox', ['sandbox', '--port', '0', '--json', '--faults', JSON.stringify(faults)], '"inspectUrl"');
  sandbox = sb.child;
  await sb.ready;
  sandboxUrl = (JSON.parse(sb.out().slice(sb.out().indexOf('{'))) as { url: string }).url;
  portal = createPortalClient(sandboxUrl);
  children.delete(sandbox); // never killed by the chaos loop; closed in afterAll
}, 120_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  sandbox?.kill('SIGTERM');
  await rt?.close();
  await tdb?.drop();
  if (home) rmSync(home, { recursive: true, force: true });
});

it(`completes or visibly fails every one of ${N} restaurants through faults and random kill -9s, with no duplicate in the portal and an event log that replays to the snapshots`, async () => {
  const started = Date.now();
  console.log(`chaos: ${N} restaurants (CHAOS_RESTAURANTS), kill -9 every ${KILL_MIN_S}-${KILL_MAX_S} s (CHAOS_KILL_MIN_S/MAX_S), deadline ${DEADLINE_MS / 1000} s (CHAOS_DEADLINE_S), sandbox ${sandboxUrl}`);
  const leads = parseLeadsFile(LEADS_CSV).leads.slice(0, N);
  const storage = join(home, 'storage');
  const imported = await createLeadsImporter().importFile({ file: LEADS_CSV, organisationId: ORG, createdBy: PERSON.userId, storageDir: storage, dryRun: false, db: rt.db });
  expect(imported.errors).toEqual([]);
  const { rows } = await sql<Record<string, unknown>>`select * from public.restaurants where id = any(${[...imported.restaurantIds]}::uuid[]) and name = any(${leads.map((l) => l.name)}::text[])`.execute(rt.db);
  expect(rows).toHaveLength(N);
  const { batchId, jobIds } = await rt.engine.createBatch({
    organisationId: ORG,
    name: `Chaos ${new Date().toISOString()}`,
    mode: 'parallel',
    restaurants: rows.map((r) => ({ restaurant: restaurantFacts(r) as unknown as { id: string } & Record<string, unknown>, autoPolicies: { select: 'confident', config: 'defaults' } })),
  });

  // Every session of the portal expires once, a few hundred requests in (the flows log in again).
  await portal.setSwitches({ expireSessionAfter: 300 });
  const procs: Proc[] = [startServer(), startWorker(1), startWorker(2)];
  await Promise.all(procs.map((p) => p.ready));
  const readyAt = new Set<Proc>();
  const track = (p: Proc) => void p.ready.then(() => readyAt.add(p), () => undefined);
  procs.forEach(track);
  await rt.engine.applyEventOrThrow({ type: 'batch', id: batchId }, { type: 'batch.start' }, SYSTEM);

  const env = { rt } as unknown as Env;
  const kills: string[] = [];
  let crashes = 0;
  let bursts = 0;
  let nextKill = Date.now() + nextKillIn();
  let nextBurst = Date.now() + 20_000;
  let crashUntil = 0;
  let lastCrashAt = 0;
  let nextReport = Date.now() + 30_000;
  const personChose = new Set<string>();
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const { rows: jobs } = await sql<{ id: string; name: string; status: string; step2: string | null; step3: string | null }>`
      select j.id, r.name, j.status,
             (select s.status from registration_job_steps s where s.job_id = j.id and s.step_number = 2) as step2,
             (select s.status from registration_job_steps s where s.job_id = j.id and s.step_number = 3) as step3
        from registration_jobs j join restaurants r on r.id = j.restaurant_id where j.batch_job_id = ${batchId}`.execute(rt.db);
    // A person answers what waits for them: a step-3 choice the confident rule did not make (the expected company, or
    // "no match"), and a search that found no candidate at step 2 (none expected: "no match"; else enter it by hand).
    for (const j of jobs) {
      if (personChose.has(j.id)) continue;
      const expected = EXPECTED_MATCHES[j.name];
      let event: Parameters<typeof rt.engine.applyEvent>[1] | null = null;
      if (j.step3 === 'action_required') event = expected ? { type: 'company.selected', companyNumber: expected } : { type: 'company.noMatch' };
      else if (j.step2 === 'action_required') event = { type: 'company.noMatch' };
      if (!event) continue;
      const r = await rt.engine.applyEvent({ type: 'job', id: j.id }, event, PERSON);
      if (r.ok) personChose.add(j.id);
    }
    const { rows: open } = await sql<{ n: string; done: string }>`
      select count(*) filter (where status in ('queued', 'running')) as n, count(*) filter (where status = 'succeeded') as done
        from registration_tasks where batch_id = ${batchId}`.execute(rt.db);
    if (Date.now() > nextReport) {
      nextReport = Date.now() + 30_000;
      const by = jobs.reduce<Record<string, number>>((m, j) => ((m[j.status] = (m[j.status] ?? 0) + 1), m), {});
      const { rows: pending } = await sql<{ status: string; due: string; n: string }>`
        select status, (run_at <= now())::text as due, count(*)::text as n from registration_tasks
         where batch_id = ${batchId} and status in ('queued', 'running') group by 1, 2 order by 1, 2`.execute(rt.db);
      const openBy = pending.map((p) => `${p.status === 'running' ? 'running' : p.due === 'true' ? 'queued (due)' : 'queued (later)'} ${p.n}`).join(', ');
      console.log(`chaos +${((Date.now() - started) / 1000).toFixed(0)} s: jobs ${JSON.stringify(by)}, tasks succeeded ${open[0]!.done}, open ${open[0]!.n} (${openBy}), kills ${kills.length}, load ${os.loadavg()[0]!.toFixed(1)}`);
    }
    const settled = jobs.every((j) => j.status === 'completed' || j.status === 'failed') && Number(open[0]!.n) === 0;
    if (settled) break;
    if (Date.now() - started > DEADLINE_MS) {
      const { rows: queued } = await sql<{ kind: string; attempt: number; run_at: Date; status: string }>`
        select kind, attempt, run_at, status from registration_tasks where batch_id = ${batchId} and status in ('queued', 'running') order by run_at limit 20`.execute(rt.db);
      throw new Error(`not settled after ${DEADLINE_MS / 1000} s (${kills.length} kills: ${kills.join(', ')}):\n${await describeBatch(env, batchId)}\nopen: ${queued.map((q) => `${q.kind}#${q.attempt} ${q.status} run_at ${q.run_at.toISOString()}`).join(', ')}\n${procs.map((p) => `--- ${p.name}\n${p.out().slice(-1500)}`).join('\n')}`);
    }

    // One tab crash per ~50 finished tasks: the services settings page crashes whichever tab opens it, for a while.
    const done = Number(open[0]!.done);
    if (crashUntil === 0 && done >= (crashes + 1) * 50 && Date.now() - lastCrashAt > 30_000) {
      await portal.setSwitches({ crashPath: '/settings/services' });
      crashUntil = Date.now() + 6_000;
      crashes++;
    } else if (crashUntil !== 0 && Date.now() > crashUntil) {
      await portal.setSwitches({ crashPath: null });
      crashUntil = 0;
      lastCrashAt = Date.now();
    }
    // A 429 burst on the account-registration API every ~40 s: three answers with Retry-After.
    if (Date.now() > nextBurst) {
      await portal.setFault('cw.register', { rateLimit: { retryAfterSeconds: 2 }, times: 3 });
      bursts++;
      nextBurst = Date.now() + 40_000;
    }
    // kill -9 a random process every 10-20 s and start its replacement at once.
    // Only a process that is up is a victim (killing a replacement still loading tests nothing, and on a busy
    // machine would starve the batch).
    const up = procs.map((p, i) => ({ p, i })).filter(({ p }) => readyAt.has(p));
    if (Date.now() > nextKill && up.length > 0) {
      const { p: victim, i } = up[Math.floor(Math.random() * up.length)]!;
      await killed(victim);
      kills.push(victim.name);
      procs[i] = victim.name === 'serve' ? startServer() : startWorker(i);
      track(procs[i]);
      nextKill = Date.now() + nextKillIn();
    }
  }
  const elapsed = (Date.now() - started) / 1000;

  // Every restaurant completed, or failed with a visible reason after its retries.
  const { rows: final } = await sql<{ id: string; name: string; status: string; error_message: string | null }>`
    select j.id, r.name, j.status, j.error_message from registration_jobs j join restaurants r on r.id = j.restaurant_id where j.batch_job_id = ${batchId}`.execute(rt.db);
  expect(final).toHaveLength(N);
  const failed = final.filter((j) => j.status === 'failed');
  for (const j of failed) {
    const { rows: reasons } = await sql<{ kind: string; attempt: number; error: { message?: string } | null }>`
      select kind, attempt, error from registration_tasks where job_id = ${j.id} and status = 'failed' order by attempt desc`.execute(rt.db);
    const visible = j.error_message ?? reasons.find((t) => t.error?.message)?.error?.message ?? null;
    expect(visible, `${j.name} failed without a reason`).toBeTruthy();
  }

  // The sandbox (alive through every kill) reports no duplicate of anything, judged as the demo judges it: a dish a
  // lead's own menu file lists twice (Fuzion Kebab's two "Baklava" desserts, at two prices) is the data's, not ours.
  const verification = await verifyAgainstSandbox(rt.db, sandboxUrl, await summaryRowsOf(rt.db, batchId));
  expect(verification.duplicatesTotal, `duplicates: ${JSON.stringify(await portal.duplicates())}\n${renderVerification(verification)}`).toBe(0);
  const accounts = await portal.accounts();
  const completed = final.filter((j) => j.status === 'completed').length;
  expect(accounts.length).toBeGreaterThanOrEqual(completed);

  // The event log of every job and of the batch replays to the stored snapshot.
  for (const id of jobIds) {
    const r = await replay(rt.db, rt.machines, { type: 'job', id });
    expect(r.replayed, `job ${id} replay (${r.events} events)`).toEqual(r.stored);
  }
  const b = await replay(rt.db, rt.machines, { type: 'batch', id: batchId });
  expect(b.replayed, 'batch replay').toEqual(b.stored);

  const { rows: faultsSeen } = await sql<{ code: string | null; n: string }>`
    select error->>'code' as code, count(*) as n from registration_tasks where batch_id = ${batchId} and status = 'failed' group by 1 order by 2 desc`.execute(rt.db);
  console.log(
    `chaos: ${N} restaurants settled in ${elapsed.toFixed(0)} s — ${completed} completed, ${failed.length} failed (${failed.map((j) => `${j.name}: ${j.error_message ?? 'see tasks'}`).join('; ') || 'none'}); ` +
      `${kills.length} kill -9s (${kills.join(', ')}), ${crashes} tab-crash windows, ${bursts} 429 bursts, one session expiry; ` +
      `failed attempts by code: ${faultsSeen.map((f) => `${f.code ?? 'none'}=${f.n}`).join(', ')}; portal accounts ${accounts.length}, duplicates 0`,
  );
  expect(kills.length).toBeGreaterThanOrEqual(3);
  for (const p of procs) p.child.kill('SIGKILL');
});
