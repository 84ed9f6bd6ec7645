import { describe, expect, it } from 'vitest';
import { batchMachine, checkEvent, projectBatch, type DeliverInput, type Effect, type JobOutcome } from '../src';
import { Driver } from './harness';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `job-${i + 1}`);
const batchInput = (jobIds: string[], extra: Record<string, unknown> = {}) => ({
  batchId: 'batch-1',
  organisationId: 'org-1',
  name: 'Auckland pizza',
  mode: 'parallel',
  jobIds,
  ...extra,
});
const delivered = (effects: Effect[]) =>
  effects.flatMap((e) => (e.type === 'runTask' && e.params.kind === 'deliver' ? [e.params.input as DeliverInput] : []));

function finish(d: Driver, jobId: string, outcome: JobOutcome) {
  return d.send({ type: 'job.finished', jobId, outcome });
}

describe('batchMachine', () => {
  it('is created pending, or draft when saved for later; restaurants can be added and removed until it starts', () => {
    const draft = new Driver(batchMachine, batchInput(ids(2), { draft: true }));
    expect(projectBatch(draft.snapshot)).toMatchObject({ status: 'draft', total_restaurants: 2, current_step: 1, total_steps: 6 });
    draft.send({ type: 'batch.addJobs', jobIds: ['job-3', 'job-1'] });
    draft.send({ type: 'batch.removeJobs', jobIds: ['job-2'] });
    expect(draft.batch.jobIds).toEqual(['job-1', 'job-3']);
    const effects = draft.send({ type: 'batch.start' });
    expect(delivered(effects).map((d) => [d.jobId, d.event.type])).toEqual([
      ['job-1', 'job.start'],
      ['job-3', 'job.start'],
    ]);
    expect(checkEvent(batchMachine, draft.snapshot, { type: 'batch.addJobs', jobIds: ['job-9'] })).toMatchObject({ ok: false, code: 'EVENT_NOT_ACCEPTED' });
    expect(new Driver(batchMachine, batchInput(ids(1))).snapshot.value).toBe('pending');
  });

  it('accepts batch.start once', () => {
    const d = new Driver(batchMachine, batchInput(ids(2)));
    d.send({ type: 'batch.start' });
    expect(projectBatch(d.snapshot)).toMatchObject({ status: 'in_progress', started_at: d.now() });
    expect(checkEvent(batchMachine, d.snapshot, { type: 'batch.start' })).toMatchObject({ ok: false, code: 'EVENT_NOT_ACCEPTED' });
  });

  it('the batch is failed at 6 of 11 failed', () => {
    const d = new Driver(batchMachine, batchInput(ids(11)));
    d.send({ type: 'batch.start' });
    ids(11).forEach((id, i) => finish(d, id, i < 6 ? 'failed' : 'completed'));
    expect(projectBatch(d.snapshot)).toMatchObject({ status: 'failed', failed_restaurants: 6, completed_restaurants: 5, completed_at: d.now() });
  });

  it('the batch is completed at 5 of 11 failed plus 1 cancelled', () => {
    const d = new Driver(batchMachine, batchInput(ids(11)));
    d.send({ type: 'batch.start' });
    ids(11).forEach((id, i) => finish(d, id, i < 5 ? 'failed' : i === 5 ? 'cancelled' : 'completed'));
    expect(projectBatch(d.snapshot)).toMatchObject({ status: 'completed', failed_restaurants: 5, completed_restaurants: 5 });
  });

  it('is judged only once every job is final', () => {
    const d = new Driver(batchMachine, batchInput(ids(3)));
    d.send({ type: 'batch.start' });
    finish(d, 'job-1', 'failed');
    finish(d, 'job-2', 'failed');
    expect(d.snapshot.value).toBe('in_progress');
    d.send({ type: 'job.parked', jobId: 'job-3', step: 3 });
    expect(d.snapshot.value).toBe('in_progress');
    finish(d, 'job-3', 'completed');
    expect(d.snapshot.value).toBe('failed');
  });

  it('a completed batch re-opens when a job re-opens, and the counters follow', () => {
    const d = new Driver(batchMachine, batchInput(ids(2)));
    d.send({ type: 'batch.start' });
    finish(d, 'job-1', 'completed');
    finish(d, 'job-2', 'failed');
    expect(projectBatch(d.snapshot)).toMatchObject({ status: 'completed', failed_restaurants: 1 });
    d.send({ type: 'job.reopened', jobId: 'job-2' });
    expect(projectBatch(d.snapshot)).toMatchObject({ status: 'in_progress', failed_restaurants: 0, completed_at: null });
    finish(d, 'job-2', 'completed');
    expect(projectBatch(d.snapshot)).toMatchObject({ status: 'completed', completed_restaurants: 2 });
  });

  it('current_step is the lowest current step among the unfinished jobs', () => {
    const d = new Driver(batchMachine, batchInput(ids(3)));
    d.send({ type: 'batch.start' });
    d.send({ type: 'job.stepChanged', jobId: 'job-1', step: 4 });
    d.send({ type: 'job.stepChanged', jobId: 'job-2', step: 3 });
    d.send({ type: 'job.stepChanged', jobId: 'job-3', step: 6 });
    expect(projectBatch(d.snapshot).current_step).toBe(3);
    finish(d, 'job-2', 'failed');
    expect(projectBatch(d.snapshot).current_step).toBe(4);
  });

  it('pause and resume are projected as metadata.paused_at, keeping the creation metadata', () => {
    const d = new Driver(batchMachine, batchInput(ids(1), { metadata: { default_execution_config: { email: 'x@y.nz' } } }));
    d.send({ type: 'batch.start' });
    d.send({ type: 'batch.pause' });
    expect(projectBatch(d.snapshot).metadata).toEqual({ default_execution_config: { email: 'x@y.nz' }, paused_at: d.now() });
    expect(checkEvent(batchMachine, d.snapshot, { type: 'batch.pause' }).ok).toBe(false);
    d.send({ type: 'batch.resume' });
    expect(projectBatch(d.snapshot).metadata).toEqual({ default_execution_config: { email: 'x@y.nz' } });
  });

  it('cancel delivers job.cancel to every unfinished job, and later events are rejected', () => {
    const d = new Driver(batchMachine, batchInput(ids(3)));
    d.send({ type: 'batch.start' });
    finish(d, 'job-1', 'completed');
    const effects = d.send({ type: 'batch.cancel', reason: 'wrong leads' });
    expect(delivered(effects).map((x) => [x.jobId, x.event.type])).toEqual([
      ['job-2', 'job.cancel'],
      ['job-3', 'job.cancel'],
    ]);
    expect(projectBatch(d.snapshot)).toMatchObject({ status: 'cancelled', cancelled_at: d.now() });
    expect(checkEvent(batchMachine, d.snapshot, { type: 'batch.resume' })).toMatchObject({ ok: false, code: 'BATCH_CANCELLED' });
    expect(checkEvent(batchMachine, d.snapshot, { type: 'job.finished', jobId: 'job-2', outcome: 'cancelled' })).toMatchObject({
      ok: false,
      code: 'BATCH_CANCELLED',
    });
  });

  it('deliver tasks have unique ids', () => {
    const d = new Driver(batchMachine, batchInput(ids(3)));
    const all = [...d.send({ type: 'batch.start' }), ...d.send({ type: 'batch.cancel' })];
    const tasks = all.flatMap((e) => (e.type === 'runTask' ? [e.params.task] : []));
    expect(new Set(tasks).size).toBe(6);
  });
});

describe('batchMachine: sequential mode', () => {
  it('never starts a job while another started job is neither finished nor parked, and does not stall on a job waiting for a person', () => {
    const d = new Driver(batchMachine, batchInput(ids(3), { mode: 'sequential' }));
    const started: string[] = [];
    const track = (effects: Effect[]) => {
      for (const x of delivered(effects)) if (x.event.type === 'job.start') started.push(x.jobId);
    };
    track(d.send({ type: 'batch.start' }));
    expect(started).toEqual(['job-1']);
    track(d.send({ type: 'job.stepChanged', jobId: 'job-1', step: 2 }));
    expect(started).toEqual(['job-1']);
    // job-1 waits for a person: job-2 starts
    track(d.send({ type: 'job.parked', jobId: 'job-1', step: 3 }));
    expect(started).toEqual(['job-1', 'job-2']);
    // the person answers job-1: it continues, and runs beside job-2
    track(d.send({ type: 'job.stepChanged', jobId: 'job-1', step: 4 }));
    expect(started).toEqual(['job-1', 'job-2']);
    track(finish(d, 'job-2', 'completed'));
    // job-1 is started again (not parked), so job-3 waits
    expect(started).toEqual(['job-1', 'job-2']);
    track(finish(d, 'job-1', 'completed'));
    expect(started).toEqual(['job-1', 'job-2', 'job-3']);
    track(finish(d, 'job-3', 'failed'));
    expect(projectBatch(d.snapshot)).toMatchObject({ status: 'completed', completed_restaurants: 2, failed_restaurants: 1 });
  });
});
