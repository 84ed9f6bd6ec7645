// The `simulate` handler set: a complete, configurable stand-in for the outside world (durations, failure rates,
// 429s with Retry-After) whose "creates" land in an effects ledger (simulate_effects), each checked by idempotency
// key first, as the real flows check the portal. A real target for tests, benchmarks and dry runs.
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { generateAccountPassword } from '@regbatch/automation';
import { SUB_STEP_KEYS, type TaskKind } from '@regbatch/machines';
import type { Db } from '../engine/db';
import { TaskFailure, sleep, type TaskContext, type TaskHandler } from './registry';

export interface DurationSpec {
  readonly minMs: number;
  readonly maxMs: number;
}

export interface SimulateConfig {
  /** Per kind; `default` applies to kinds not listed. */
  readonly durations?: Partial<Record<TaskKind | 'default', DurationSpec>>;
  /** Probability (0..1) that an attempt fails with a retryable error. */
  readonly failureRate?: Partial<Record<TaskKind | 'default', number>>;
  /** Probability that an attempt is answered 429 with this Retry-After (only attempts up to `attempts`, when given). */
  readonly rateLimited?: Partial<Record<TaskKind | 'default', { probability: number; retryAfterMs: number; attempts?: number }>>;
  /** Attempts up to this number fail (retryably) for sure: deterministic retries for tests and demos. */
  readonly failAttempts?: Partial<Record<TaskKind | 'default', number>>;
  readonly random?: () => number;
}

/** Kinds whose success is an effect on the outside world, recorded once per idempotency key. */
export const SIMULATED_CREATES: readonly string[] = ['extraction.run', ...SUB_STEP_KEYS];

export interface LedgerEntry {
  readonly id: number;
  readonly idempotency_key: string;
  readonly kind: string;
  readonly effect: Record<string, unknown>;
}

export function createSimulateHandlers(config: SimulateConfig = {}): Record<string, TaskHandler> {
  const random = config.random ?? Math.random;
  const pickFor = <T>(table: Partial<Record<string, T>> | undefined, kind: string): T | undefined => table?.[kind] ?? table?.default;

  async function behave(ctx: TaskContext): Promise<void> {
    const kind = ctx.task.kind;
    const rl = pickFor(config.rateLimited, kind);
    if (rl && (rl.attempts === undefined || ctx.task.attempt <= rl.attempts) && random() < rl.probability) {
      await sleep(1, ctx.signal);
      throw new TaskFailure('rate_limited', `simulated 429 Too Many Requests for ${kind} (Retry-After ${rl.retryAfterMs} ms)`, true, rl.retryAfterMs);
    }
    const d = pickFor(config.durations, kind) ?? { minMs: 5, maxMs: 20 };
    await sleep(d.minMs + random() * Math.max(0, d.maxMs - d.minMs), ctx.signal);
    const failUpTo = pickFor(config.failAttempts, kind) ?? 0;
    if (ctx.task.attempt <= failUpTo) throw new TaskFailure('simulated_failure', `simulated failure of ${kind} (attempt ${ctx.task.attempt})`, true);
    const fr = pickFor(config.failureRate, kind) ?? 0;
    if (fr > 0 && random() < fr) throw new TaskFailure('simulated_failure', `simulated failure of ${kind}`, true);
  }

  /** Check the ledger by key; if absent, act (behave) and record, serialised per key like a portal would. */
  function create(build: (ctx: TaskContext) => Record<string, unknown>): TaskHandler {
    return async (ctx) => {
      const existing = await findEffect(ctx.db, ctx.idempotencyKey);
      if (existing) return { ...existing.effect, existing: true };
      const startedAt = new Date();
      await behave(ctx);
      ctx.signal.throwIfAborted();
      return ctx.db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(hashtext(${ctx.idempotencyKey}))`.execute(trx);
        const again = await findEffect(trx, ctx.idempotencyKey);
        if (again) return { ...again.effect, existing: true };
        const effect = { id: randomUUID(), ...build(ctx) };
        await sql`insert into simulate_effects (idempotency_key, kind, job_id, organisation_id, attempt, worker, effect, started_at)
          values (${ctx.idempotencyKey}, ${ctx.task.kind}, ${ctx.task.jobId}, ${ctx.task.organisationId}, ${ctx.task.attempt},
            ${ctx.workerId}, ${JSON.stringify(effect)}, ${startedAt})`.execute(trx);
        return effect;
      });
    };
  }

  function read(build: (ctx: TaskContext) => unknown): TaskHandler {
    return async (ctx) => {
      await behave(ctx);
      return build(ctx);
    };
  }

  // Inputs as the job machine builds them (packages/machines/src/jobMachine.ts): the restaurant for step 1, the
  // query strings for step 2, the selected candidate for step 4.
  const restaurantOf = (ctx: TaskContext): { id?: string; name?: string; address?: string | null; city?: string | null } => {
    const input = (ctx.input ?? {}) as { restaurantId?: string; query?: string; restaurant?: { id?: string; name?: string; address?: string | null; city?: string | null } };
    return input.restaurant ?? { ...(input.restaurantId ? { id: input.restaurantId } : {}), ...(input.query ? { name: input.query } : {}) };
  };

  const handlers: Record<string, TaskHandler> = {
    'extraction.run': create((ctx) => ({ extractionJobId: randomUUID(), menuId: randomUUID(), itemCount: 12, restaurantId: restaurantOf(ctx).id ?? null })),
    'registry.searchByName': read((ctx) => simulatedCompanies(restaurantOf(ctx))),
    // The register's address search knows no names; the name search alone finds the company here.
    'registry.searchByAddress': read(() => []),
    // As the real handler does: the proposed account password is generated and sealed here; only its reference returns.
    'company.details': read(async (ctx) => {
      const details = simulatedDetails(ctx.input, restaurantOf(ctx));
      const wanted = (ctx.input as { generateAccountPassword?: boolean } | null)?.generateAccountPassword !== false;
      if (!wanted || !ctx.sealSecret) return details;
      const ref = await ctx.sealSecret(generateAccountPassword(), 'company.details.generated_password');
      return { ...(details as object), account_password_ref: { secret_ref: ref.secret_ref } };
    }),
  };
  for (const key of SUB_STEP_KEYS) {
    handlers[key] = create((ctx) => {
      const input = (ctx.input ?? {}) as { config?: { email?: string; password?: string } };
      const password = input.config?.password;
      // Proof the handler received the revealed secret, without the ledger ever holding it.
      return {
        subStep: key,
        ...(typeof password === 'string' ? { password_sha256: createHash('sha256').update(password).digest('hex') } : {}),
      };
    });
  }
  return handlers;
}

async function findEffect(db: Db, key: string): Promise<LedgerEntry | undefined> {
  const { rows } = await sql<LedgerEntry>`select id, idempotency_key, kind, effect from simulate_effects where idempotency_key = ${key} order by id limit 1`.execute(db);
  return rows[0];
}

/** One plausible registered company per restaurant, so company matching finds a confident candidate. */
export function simulatedCompanies(r: { name?: string; address?: string | null; city?: string | null; id?: string }): unknown[] {
  const name = r.name ?? 'Simulated Restaurant';
  const n = createHash('sha256').update(r.id ?? name).digest();
  const number = String(1_000_000 + (n.readUInt32BE(0) % 8_000_000));
  return [
    {
      company_name: `${name.toUpperCase()} LIMITED`,
      company_number: number,
      nzbn: `94290${number.padStart(8, '0')}`,
      status: 'Registered',
      incorporation_date: '2015-03-15',
      registered_address: [r.address, r.city].filter(Boolean).join(', ') || null,
      trading_names: [name],
    },
  ];
}

function simulatedDetails(input: unknown, r: { name?: string; address?: string | null; city?: string | null; id?: string }): unknown {
  const i = (input ?? {}) as { companyNumber?: string | null; candidate?: Record<string, unknown> | null };
  const base = i.candidate ?? (simulatedCompanies(r)[0] as Record<string, unknown>);
  return {
    ...base,
    company_name: base.company_name ?? 'SIMULATED LIMITED',
    company_number: i.companyNumber ?? base.company_number,
    directors: [{ name: 'Sam Simulated', full_name: 'Sam Simulated', position: 'Director', status: 'Current', appointed_date: '2015-03-15' }],
    shareholders: [{ name: 'Sam Simulated', type: 'Individual', percentage: '100%' }],
    nzbn_details: { email: `owner+${(r.id ?? 'x').slice(0, 8)}@example.co.nz`, phone: '+6421123456', gst_number: '123-456-789', website: null },
  };
}
