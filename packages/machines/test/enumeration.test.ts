// Every reachable state, enumerated with @xstate/graph: the batch machine, and the job machine's steps 1-5 under a
// bounded event set. For each state: the seed's CHECKs, the JSON round trip, and the machine's own invariants.
import { getAdjacencyMap } from '@xstate/graph';
import { describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot } from 'xstate';
import {
  batchMachine,
  effectsOf,
  jobMachine,
  pureTransition,
  jobStatusOf,
  persistSnapshot,
  projectBatch,
  projectJob,
  restoreSnapshot,
  seedCheckViolations,
  STEP_NUMBERS,
  type BatchContext,
  type BatchEvent,
  type DeliverInput,
  type JobContext,
  type JobEvent,
} from '../src';
import { companyDetails, configWith, jobInput, nameResults } from './harness';

function roundTrips(machine: typeof jobMachine | typeof batchMachine, kind: 'job' | 'batch', s: AnyMachineSnapshot) {
  const restored = restoreSnapshot(machine, kind, persistSnapshot(machine, s));
  expect(restored.value).toEqual(s.value);
  expect(restored.status).toEqual(s.status);
  expect(restored.context).toEqual(JSON.parse(JSON.stringify(s.context)));
}

describe('batchMachine, enumerated', () => {
  for (const mode of ['parallel', 'sequential'] as const) {
    it(`every reachable state of a 2-job ${mode} batch projects onto the seed and survives a JSON round trip`, () => {
      const jobIds = ['a', 'b'];
      const events = (s: AnyMachineSnapshot): BatchEvent[] => {
        const c = s.context as BatchContext;
        const out: BatchEvent[] = [
          { type: 'batch.start' },
          { type: 'batch.cancel' },
          { type: 'batch.pause' },
          { type: 'batch.resume' },
          { type: 'batch.removeJobs', jobIds: ['b'] },
        ];
        for (const jobId of c.jobIds) {
          out.push(
            { type: 'job.stepChanged', jobId, step: 3 },
            { type: 'job.parked', jobId, step: c.jobs[jobId]?.step ?? 1 },
            { type: 'job.finished', jobId, outcome: 'completed' },
            { type: 'job.finished', jobId, outcome: 'failed' },
            { type: 'job.finished', jobId, outcome: 'cancelled' },
            { type: 'job.reopened', jobId },
          );
        }
        return out;
      };
      const map = getAdjacencyMap(batchMachine, {
        input: { batchId: 'b', organisationId: 'o', name: 'n', mode, jobIds },
        events,
        serializeState: (s) => {
          const c = s.context as BatchContext;
          return JSON.stringify([s.value, c.jobIds, c.jobIds.map((id) => c.jobs[id]), c.pausedAt !== null, c.currentStep]);
        },
      });
      const states = Object.values(map).map((v) => v.state as AnyMachineSnapshot);
      const seen = new Set(states.map((s) => String(s.value)));
      expect([...seen].sort()).toEqual(['cancelled', 'completed', 'failed', 'in_progress', 'pending']);
      for (const s of states) {
        const row = projectBatch(s);
        expect(seedCheckViolations({ batch: row })).toEqual([]);
        expect(row.completed_restaurants + row.failed_restaurants).toBeLessThanOrEqual(row.total_restaurants);
        if (mode === 'sequential') {
          // the batch starts a job only when no other started job is unfinished and not parked
          for (const event of events(s)) {
            const [next, actions] = pureTransition(batchMachine, s, event);
            const starts = effectsOf(actions).flatMap((e) =>
              e.type === 'runTask' && (e.params.input as DeliverInput).event.type === 'job.start' ? [(e.params.input as DeliverInput).jobId] : [],
            );
            expect(starts.length).toBeLessThanOrEqual(1);
            if (starts.length === 1) {
              const n = next.context as BatchContext;
              expect(n.jobIds.filter((id) => id !== starts[0] && n.jobs[id]?.state === 'started')).toEqual([]);
            }
          }
        }
        if (row.status === 'failed') expect(row.failed_restaurants * 2).toBeGreaterThan(row.total_restaurants);
        roundTrips(batchMachine, 'batch', s);
      }
      console.info(`${mode} batch: ${states.length} states enumerated`);
      expect(states.length).toBeGreaterThan(50);
    }, 120_000);
  }
});

describe('jobMachine steps 1-5, enumerated', () => {
  it('every reachable state up to step 6 projects onto the seed, keeps the job in_progress while waiting for a person, and round-trips', () => {
    const config = configWith([]);
    // Bounded: one decision of each kind at a time (the inbox holds one), no query edits, maxRetries 1.
    const events = (s: AnyMachineSnapshot): JobEvent[] => {
      const c = s.context as JobContext;
      const out: JobEvent[] = [
        { type: 'job.start' },
        { type: 'job.cancel' },
        { type: 'search.retry' },
        { type: 'step.retry', step: 1 },
        { type: 'step.retry', step: 2 },
        { type: 'step.retry', step: 4 },
      ];
      if (!c.inbox.company) {
        out.push(
          { type: 'company.selected', companyNumber: '1234567' },
          { type: 'company.noMatch' },
          { type: 'company.manualEntry', entry: { company_number: '5550001', contact_name: 'Jo' } },
        );
      }
      if (!c.inbox.config) out.push({ type: 'config.submitted', config });
      for (const r of Object.values(c.tasks)) {
        if (r.status === 'running') {
          const outputs =
            r.kind === 'registry.searchByName' ? [nameResults, { results: [] }] : r.kind === 'company.details' ? [companyDetails] : [{}];
          for (const output of outputs) out.push({ type: 'task.succeeded', task: r.task, attempt: r.attempt, output });
          out.push({ type: 'task.failed', task: r.task, attempt: r.attempt, error: { code: 'E', message: 'm', retryable: true } });
          out.push({ type: 'task.failed', task: r.task, attempt: r.attempt, error: { code: 'E', message: 'm', retryable: false } });
        }
        if (r.status === 'retrying' && r.timerId) out.push({ type: 'timer.fired', id: r.timerId });
      }
      return out.filter((e) => s.can(e));
    };
    const map = getAdjacencyMap(jobMachine, {
      input: jobInput({ maxRetries: 1 }),
      events,
      stopWhen: (s) => s.matches({ active: 'step6' }),
      serializeState: (s) => {
        const c = s.context as JobContext;
        // final and step-6 states are leaves here: one vertex per state value
        if (s.status !== 'active' || s.matches({ active: 'step6' })) return JSON.stringify(s.value);
        return JSON.stringify([
          s.value,
          Object.values(c.tasks).filter((t) => t.task.includes('.')).map((t) => [t.status, t.retryCount]),
          STEP_NUMBERS.map((n) => c.steps[n].status),
          c.search.status,
          c.search.selectedCompanyNumber,
          c.inbox.company?.type ?? null,
          c.inbox.config ? 1 : 0,
          c.search.rejectedSelections.length > 0,
          c.executionConfig ? 1 : 0,
        ]);
      },
    });
    const states = Object.values(map).map((v) => v.state as AnyMachineSnapshot);
    const values = new Set(states.map((s) => JSON.stringify(s.value)));
    for (const expected of [
      '"pending"',
      '"cancelled"',
      '{"active":{"step1":"failed"}}',
      '{"active":{"step2":"failed"}}',
      '{"active":{"step2":{"noMatch":"waiting"}}}',
      '{"active":{"step3":"waiting"}}',
      '{"active":{"step4":"failed"}}',
      '{"active":{"step5":"waiting"}}',
      '{"active":{"step1":{"task":"retrying"}}}',
    ]) {
      expect(values, expected).toContain(expected);
    }
    expect([...values].some((v) => v.includes('"step6"'))).toBe(true);
    for (const s of states) {
      const rows = projectJob(s);
      expect(seedCheckViolations(rows)).toEqual([]);
      if (s.hasTag('action_required') && !s.hasTag('job_failed')) expect(rows.job.status).toBe('in_progress');
      expect(jobStatusOf(s)).toBe(rows.job.status);
      roundTrips(jobMachine, 'job', s);
    }
    console.info(`job steps 1-5: ${states.length} states enumerated`);
    expect(states.length).toBeGreaterThan(100);
  }, 240_000);
});
