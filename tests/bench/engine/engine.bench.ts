// Engine benchmark (DESIGN §11), printed, not asserted: applied events/s with 1 and 8 concurrent writers next to a
// bare SQL loop of the same transaction shape; event-to-claim latency with LISTEN wake-ups; createBatch of 1,000.
// Run: node --import tsx tests/bench/engine/engine.bench.ts   (embedded PostgreSQL; BENCH_DATABASE_URL=... for another)
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { sql } from 'kysely';
import { createDb } from '../../../packages/server/src/db/index';
import { migrate } from '../../../packages/server/src/db/migrate';
import { startEmbeddedPostgres } from '../../../packages/server/src/db/embedded';
import { withDatabase, ensureDatabase } from '../../../packages/server/src/db/connect';
import { SEED_ORGANISATIONS } from '../../../packages/server/src/db/seedIdentities';
import { createEngineRuntime } from '../../../packages/server/src/engine/runtime';
import { createKeyring } from '../../../packages/server/src/secrets/keyring';
import { createWorker } from '../../../packages/server/src/work/worker';
import { createRegistry, sleep } from '../../../packages/server/src/work/registry';
import { defaultLimits } from '../../../packages/server/src/work/limits';
import type { Db } from '../../../packages/server/src/engine/db';

const ORG = SEED_ORGANISATIONS.a.id;
const log = pino({ level: 'warn' });
const SYSTEM = { type: 'system', name: 'bench' } as const;
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 5) * 1000;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function restaurants(db: Db, n: number, prefix: string) {
  const { rows } = await sql<{ id: string; name: string }>`
    insert into restaurants (name, organisation_id, address, city)
    select ${prefix} || ' ' || g, ${ORG}, g || ' Queen Street', 'Auckland' from generate_series(1, ${n}) g returning id, name`.execute(db);
  return rows.map((r) => ({ restaurant: { id: r.id, name: r.name, address: '1 Queen Street', city: 'Auckland' } }));
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

async function main(): Promise<void> {
  let stop = async () => {};
  let url = process.env.BENCH_DATABASE_URL;
  let where = 'BENCH_DATABASE_URL';
  if (!url) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'regbatch-bench-'));
    const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), ephemeral: true, log: { info: () => {}, debug: () => {}, warn: () => {} } });
    url = pg.url;
    where = `embedded PostgreSQL (port ${pg.port}, fsync off)`;
    stop = async () => {
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }
  const name = `regbatch_bench_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(url, name);
  const dbUrl = withDatabase(url, name);
  await migrate(dbUrl, { seed: true });
  const db = createDb(dbUrl, { max: 12 });
  const rt = createEngineRuntime({ url: dbUrl, db, log, keyring: createKeyring([{ id: 'bench', key: randomBytes(32) }]) });
  const lines: string[] = [`engine benchmark on ${where}, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}`];
  const print = (s: string) => {
    lines.push(s);
    console.log(s);
  };

  // ---- createBatch of 1,000 restaurants ----
  {
    const input = await restaurants(db, 1000, 'Bench1000');
    const t0 = performance.now();
    await rt.engine.createBatch({ organisationId: ORG, name: 'Bench 1000', restaurants: input });
    print(`createBatch 1,000 restaurants (1,000 jobs, 6,000 steps, 1,001 log rows): ${(performance.now() - t0).toFixed(0)} ms   [DESIGN §11: 10,000 in ≤ 5 s]`);
  }

  // ---- applied events/s: engine vs bare SQL of the same transaction shape ----
  const jobsFor = async (n: number) => {
    const input = await restaurants(db, n, `Writers${n}`);
    const { jobIds } = await rt.engine.createBatch({ organisationId: ORG, name: `Writers ${n}`, restaurants: input });
    for (const id of jobIds) await rt.engine.applyEventOrThrow({ type: 'job', id }, { type: 'job.start' }, SYSTEM);
    return jobIds;
  };
  const jobIds = await jobsFor(64);
  const { rows: snapRows } = await sql<{ machine_snapshot: unknown }>`select machine_snapshot from registration_jobs where id = ${jobIds[0]!}`.execute(db);
  const snapshotJson = JSON.stringify(snapRows[0]!.machine_snapshot);

  async function runFor(writers: number, one: (jobId: string, i: number) => Promise<void>): Promise<number> {
    let count = 0;
    const end = performance.now() + DURATION_MS;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        let i = 0;
        while (performance.now() < end) {
          // Each writer owns its own jobs, so the figure is throughput, not lock waiting.
          await one(jobIds[(w + writers * (i % Math.floor(jobIds.length / writers))) % jobIds.length]!, i++);
          count++;
        }
      }),
    );
    return count / (DURATION_MS / 1000);
  }
  // An early company selection: accepted in step 1 and kept in the inbox, so every application is a full
  // transition (lock, restore, check, transition, project, write, log, notify) that changes the snapshot.
  const engineEvent = (jobId: string, i: number) =>
    rt.engine.applyEventOrThrow({ type: 'job', id: jobId }, { type: 'company.selected', companyNumber: String(1_000_000 + i) }, SYSTEM).then(() => undefined);
  const bareEvent = (jobId: string, i: number) =>
    db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ revision: string }>`select revision, machine_snapshot from registration_jobs where id = ${jobId} for no key update`.execute(trx);
      const rev = Number(rows[0]!.revision) + 1;
      await sql`update registration_jobs set machine_snapshot = ${snapshotJson}, revision = ${rev} where id = ${jobId}`.execute(trx);
      await sql`insert into registration_job_events (job_id, batch_id, organisation_id, revision, event, state_before, state_after, actor)
        select id, batch_job_id, organisation_id, ${rev}, ${JSON.stringify({ type: 'company.selected', companyNumber: String(i) })}, '"a"', '"a"', 'bench' from registration_jobs where id = ${jobId}`.execute(trx);
      await sql`select pg_notify('regbatch_events', ${jobId})`.execute(trx);
    });
  for (const writers of [1, 8]) {
    const bare = await runFor(writers, bareEvent);
    const eng = await runFor(writers, engineEvent);
    print(`applied events/s, ${writers} writer${writers > 1 ? 's' : ' '}: engine ${eng.toFixed(0)}/s   bare SQL same shape ${bare.toFixed(0)}/s   ratio ${(eng / bare).toFixed(2)}   [DESIGN §11: ≥ 1,000/s with 8]`);
  }

  // ---- event-to-claim latency with LISTEN ----
  {
    const claimedAt = new Map<string, number>();
    const w = createWorker(
      {
        db,
        engine: rt.engine,
        secrets: rt.secrets,
        log,
        registry: createRegistry({
          // Records the moment its task was claimed and handed over, then holds it (the bench measures claims only).
          'extraction.run': async (ctx) => {
            claimedAt.set(ctx.task.jobId ?? '', performance.now());
            await sleep(600_000, ctx.signal).catch(() => undefined);
            return null;
          },
        }),
      },
      { maxInProcess: 256, leaseMs: 60_000, pollMs: 60_000, limits: defaultLimits({ accountGapMs: 0, browserSlots: 1000 }), listenUrl: dbUrl, kinds: ['extraction.run'] },
    );
    await w.start();
    const input = await restaurants(db, 200, 'Latency');
    const { jobIds: lj } = await rt.engine.createBatch({ organisationId: ORG, name: 'Latency', restaurants: input });
    const committed = new Map<string, number>();
    for (const id of lj) {
      await rt.engine.applyEventOrThrow({ type: 'job', id }, { type: 'job.start' }, SYSTEM);
      committed.set(id, performance.now());
      await new Promise((r) => setTimeout(r, 15));
    }
    const deadline = Date.now() + 30_000;
    while (claimedAt.size < lj.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const lat = lj.filter((id) => claimedAt.has(id)).map((id) => claimedAt.get(id)! - committed.get(id)!);
    print(`event-to-claim (commit of job.start → its extraction task in a handler), LISTEN wake-ups, ${lat.length} events: p50 ${pct(lat, 50).toFixed(1)} ms  p95 ${pct(lat, 95).toFixed(1)} ms   [DESIGN §11: p95 ≤ 25 ms]`);
    await w.stop();
  }

  await rt.close();
  await db.destroy();
  await stop();
}

await main();
