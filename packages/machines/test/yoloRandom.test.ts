// Model-based random walks through the Yolo region (step 6 of a real job): 10,000 seeded event sequences, invariants
// on every state, seed CHECKs and the JSON round trip on every distinct state, coverage asserted at the end.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot } from 'xstate';
import {
  effectsOf,
  jobMachine,
  jobStatusOf,
  projectJob,
  restoreSnapshot,
  seedCheckViolations,
  needsMet,
  planView,
  pureTransition,
  PLAN_BY_KEY,
  SUB_STEP_KEYS,
  YOLO_PLAN,
  type JobContext,
  type JobEvent,
  type SubStepKey,
} from '../src';
import { Driver, companyDetails, configWith, jobInput, nameResults } from './harness';

const SEED = 20_261_203;
const RUNS = Number(process.env.YOLO_RUNS ?? 10_000);
/** Events per sequence: tuned for the suite's time budget (sequences continue from earlier ones, see below). */
const SEQUENCE_LENGTH = 4;
const POOL_SIZE = 500;

function stepFiveSnapshot(maxRetries: number): AnyMachineSnapshot {
  const d = new Driver(jobMachine, jobInput({ maxRetries }));
  d.send({ type: 'job.start' });
  d.succeed('step1.extraction');
  d.succeed('step2.searchByName', nameResults);
  d.succeed('step2.searchByAddress', { results: [] });
  d.send({ type: 'company.selected', companyNumber: '1234567' });
  d.succeed('step4.companyDetails', companyDetails);
  return d.snapshot;
}

const ctx = (s: AnyMachineSnapshot) => s.context as JobContext;
const MENU_LOCK = YOLO_PLAN.filter((e) => e.lock === 'menu').map((e) => e.key);

/** The events a person or a worker could send now, with weights by repetition; deterministic order. */
function candidates(s: AnyMachineSnapshot): JobEvent[] {
  const c = ctx(s);
  const out: JobEvent[] = [];
  for (const key of SUB_STEP_KEYS) {
    const r = c.tasks[key]!;
    switch (r.status) {
      case 'running':
        out.push(
          { type: 'task.succeeded', task: key, attempt: r.attempt, output: { key } },
          { type: 'task.succeeded', task: key, attempt: r.attempt, output: { key } },
          { type: 'task.succeeded', task: key, attempt: r.attempt, output: { key } },
          { type: 'task.failed', task: key, attempt: r.attempt, error: { code: 'FLAKY', message: 'try again', retryable: true } },
          { type: 'task.failed', task: key, attempt: r.attempt, error: { code: 'BROKEN', message: 'no', retryable: false } },
        );
        if (r.attempt > 1) out.push({ type: 'task.succeeded', task: key, attempt: r.attempt - 1, output: { stale: true } });
        break;
      case 'retrying':
        out.push({ type: 'timer.fired', id: r.timerId! }, { type: 'timer.fired', id: r.timerId! }, { type: 'substep.skip', key });
        break;
      case 'failed':
        out.push({ type: 'substep.retry', key }, { type: 'substep.skip', key }, { type: 'step.retry', step: 6 });
        if (needsMet(key, planView(c))) out.push({ type: 'substep.markDone', key, output: { manual: true } });
        break;
      case 'skipped':
        if (r.skipKind === 'manual') out.push({ type: 'substep.retry', key });
        break;
      case 'pending':
        if (key === 'uploadImages' || key === 'servicesConfig') out.push({ type: 'substep.skip', key });
        break;
      default:
        break;
    }
  }
  if (out.length > 0) out.push({ type: 'job.cancel', reason: 'random' });
  return out;
}

function assertInvariants(s: AnyMachineSnapshot) {
  const c = ctx(s);
  const status = jobStatusOf(s);
  if (s.matches({ active: 'step6' })) {
    const region = (s.value as { active: { step6: Record<string, string> } }).active.step6;
    for (const key of SUB_STEP_KEYS) {
      if (region[key] !== c.tasks[key]!.status) throw new Error(`${key}: state ${region[key]} but record ${c.tasks[key]!.status}`);
    }
  }
  const view = planView(c);
  for (const key of SUB_STEP_KEYS) {
    const r = c.tasks[key]!;
    if (r.status !== 'running' && r.status !== 'retrying') continue;
    const entry = PLAN_BY_KEY[key];
    for (const need of entry.needs) if (view[need].status !== 'succeeded') throw new Error(`${key} runs before its need ${need} succeeded`);
    for (const after of entry.after) {
      const a = view[after];
      if (!(a.status === 'succeeded' || (a.status === 'skipped' && a.skipKind !== 'blocked'))) {
        throw new Error(`${key} runs before its after ${after} is done (${a.status})`);
      }
    }
    if (r.attempt > c.maxRetries + 1 + 100) throw new Error('attempts unbounded');
    if (r.retryCount > c.maxRetries) throw new Error(`${key} retried ${r.retryCount} times > ${c.maxRetries}`);
  }
  const holders = MENU_LOCK.filter((k) => view[k].status === 'running' || view[k].status === 'retrying');
  if (holders.length > 1) throw new Error(`menu lock held by ${holders.join(' and ')}`);
  if (status === 'completed' && SUB_STEP_KEYS.some((k) => view[k].status === 'failed' || view[k].status === 'pending')) {
    throw new Error('completed with a failed or pending sub-step');
  }
  if (status === 'failed' && !SUB_STEP_KEYS.some((k) => view[k].status === 'failed')) throw new Error('failed without a failed sub-step');
}

/** A state's shape for "every distinct state" checks: the value and each sub-step's status. */
function signature(s: AnyMachineSnapshot): string {
  const c = ctx(s);
  return `${JSON.stringify(s.value)}|${SUB_STEP_KEYS.map((k) => c.tasks[k]!.status).join(',')}`;
}

describe('the Yolo region under random event sequences', () => {
  it(`holds its invariants over ${RUNS} seeded sequences and reaches every sub-step status and every job outcome`, () => {
    const bases = new Map([0, 1, 2].map((n) => [n, stepFiveSnapshot(n)] as const));
    const configs = new Map<string, unknown>();
    const configFor = (disabled: SubStepKey[]) => {
      const key = disabled.join(',');
      if (!configs.has(key)) configs.set(key, configWith(disabled));
      return configs.get(key);
    };
    const seenStatus = new Map<SubStepKey, Set<string>>(SUB_STEP_KEYS.map((k) => [k, new Set<string>()]));
    const seenReasons = new Set<string>();
    const outcomes = new Set<string>();
    const distinct = new Set<string>();
    // Sequences continue from states earlier sequences reached (a seeded random walk forest), so short sequences
    // still reach deep states: completion needs a dozen successes, a sequence is only SEQUENCE_LENGTH events.
    const pool: AnyMachineSnapshot[] = [];
    let transitions = 0;
    let tTransition = 0;
    let tChecks = 0;

    const check = (s: AnyMachineSnapshot) => {
      const t0 = performance.now();
      assertInvariants(s);
      const c = ctx(s);
      for (const key of SUB_STEP_KEYS) {
        seenStatus.get(key)!.add(c.tasks[key]!.status);
        if (c.tasks[key]!.reason) seenReasons.add(c.tasks[key]!.reason!);
      }
      outcomes.add(jobStatusOf(s));
      const sig = signature(s);
      if (!distinct.has(sig)) {
        distinct.add(sig);
        const violations = seedCheckViolations(projectJob(s));
        if (violations.length) throw new Error(violations.join('; '));
        const stored = JSON.stringify(jobMachine.getPersistedSnapshot(s));
        const restored = restoreSnapshot(jobMachine, 'job', JSON.parse(stored));
        if (JSON.stringify(restored.value) !== JSON.stringify(s.value)) throw new Error(`restored value differs: ${sig}`);
        if (JSON.stringify(restored.context) !== JSON.stringify(s.context)) throw new Error(`restored context differs: ${sig}`);
      }
      tChecks += performance.now() - t0;
    };
    for (const base of bases.values()) check(base);

    fc.assert(
      fc.property(
        fc.record({
          start: fc.nat({ max: 1 << 20 }),
          disabled: fc.subarray([...SUB_STEP_KEYS], { maxLength: 3 }),
          maxRetries: fc.constantFrom(0, 1, 2),
          choices: fc.array(fc.nat({ max: 1 << 16 }), { minLength: SEQUENCE_LENGTH, maxLength: SEQUENCE_LENGTH }),
        }),
        ({ start, disabled, maxRetries, choices }) => {
          let s: AnyMachineSnapshot;
          let actions: Array<{ type: string; params?: unknown }>;
          if (pool.length === 0 || start % 6 === 0) {
            [s, actions] = pureTransition(jobMachine, bases.get(maxRetries)!, {
              type: 'config.submitted',
              config: configFor(disabled),
              at: '2026-01-05T10:00:00.000Z',
            });
            check(s);
          } else {
            s = pool[start % pool.length]!;
          }
          for (let i = 0; i < choices.length && s.status === 'active'; i++) {
            const options = candidates(s);
            if (options.length === 0) break;
            const event = { ...options[choices[i]! % options.length]!, at: new Date(Date.UTC(2026, 0, 5, 10, 0, transitions % 50_000)).toISOString() };
            const t0 = performance.now();
            [s, actions] = pureTransition(jobMachine, s, event);
            tTransition += performance.now() - t0;
            transitions++;
            // every runTask asks for the attempt the record now holds
            for (const e of effectsOf(actions)) {
              if (e.type === 'runTask' && ctx(s).tasks[e.params.task]!.attempt !== e.params.attempt) throw new Error('runTask attempt mismatch');
            }
            check(s);
          }
          if (s.status === 'active' && candidates(s).length > 0) {
            if (pool.length < POOL_SIZE) pool.push(s);
            else pool[start % POOL_SIZE] = s;
          }
        },
      ),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );

    for (const key of SUB_STEP_KEYS) {
      expect([...seenStatus.get(key)!].sort(), key).toEqual(['failed', 'pending', 'retrying', 'running', 'skipped', 'succeeded']);
    }
    expect([...outcomes].sort()).toEqual(['cancelled', 'completed', 'failed', 'in_progress']);
    expect(seenReasons).toContain('Disabled in config');
    expect(seenReasons).toContain('blocked by restaurantRegistration');
    expect(seenReasons).toContain('menuImport skipped');
    expect(seenReasons).toContain('Job cancelled');
    console.info(
      `yolo random walks: ${RUNS} sequences, ${transitions} transitions (${tTransition.toFixed(0)} ms), ${distinct.size} distinct states, checks ${tChecks.toFixed(0)} ms`,
    );
  }, 240_000);
});
