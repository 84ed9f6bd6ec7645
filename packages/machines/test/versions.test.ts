import { describe, expect, it } from 'vitest';
import {
  jobMachine,
  machineDefinitions,
  migrateSnapshot,
  persistSnapshot,
  restoreSnapshot,
  MACHINE_VERSIONS,
  SnapshotVersionError,
  type StateDefinitionJson,
} from '../src';
import { Driver, jobInput, nameResults } from './harness';

describe('versions and snapshots', () => {
  it('a persisted job snapshot restores to the same state, and transitions on from there', () => {
    const d = new Driver(jobMachine, jobInput());
    d.send({ type: 'job.start' });
    d.succeed('step1.extraction');
    d.succeed('step2.searchByName', nameResults);
    d.succeed('step2.searchByAddress', { results: [] });
    const stored = JSON.parse(JSON.stringify(persistSnapshot(jobMachine, d.snapshot)));
    const restored = restoreSnapshot(jobMachine, 'job', stored, MACHINE_VERSIONS.job);
    expect(restored.value).toEqual(d.snapshot.value);
    d.snapshot = restored;
    d.send({ type: 'company.selected', companyNumber: '1234567' });
    expect(d.snapshot.matches({ active: 'step4' })).toBe(true);
  });

  it('a snapshot of an unknown version fails with a clear error', () => {
    expect(() => migrateSnapshot('job', {}, 99)).toThrow(SnapshotVersionError);
    expect(() => migrateSnapshot('batch', {}, 0)).toThrow(/cannot restore a batch snapshot of machine_version 0: this build runs version 1/);
    try {
      restoreSnapshot(jobMachine, 'job', {}, 7);
    } catch (error) {
      expect(error).toMatchObject({ code: 'UNKNOWN_MACHINE_VERSION', retryable: false });
    }
  });
});

describe('machineDefinitions', () => {
  const all = (node: StateDefinitionJson): StateDefinitionJson[] => [node, ...node.states.flatMap(all)];

  it('is JSON with every state, transition and tag; every human wait has a description', () => {
    const defs = machineDefinitions();
    expect(JSON.parse(JSON.stringify(defs))).toEqual(defs);
    const jobStates = all(defs.job);
    const waits = jobStates.filter((s) => s.tags.includes('action_required'));
    expect(waits.map((s) => s.id).sort()).toEqual(['job.active.step2.failed', 'job.active.step2.noMatch.waiting', 'job.active.step3.waiting', 'job.active.step5.waiting']);
    for (const s of waits) expect(s.description).toBeTruthy();
    expect(jobStates.find((s) => s.id === 'job.active.step6')?.type).toBe('parallel');
    expect(all(defs.batch).map((s) => s.key)).toEqual(expect.arrayContaining(['draft', 'pending', 'in_progress', 'completed', 'failed', 'cancelled']));
    expect(defs.yoloPlan).toHaveLength(12);
    const step3 = jobStates.find((s) => s.id === 'job.active.step3.waiting')!;
    expect(step3.transitions.map((t) => t.event)).toEqual(expect.arrayContaining(['company.selected', 'company.noMatch', 'company.manualEntry', 'search.retry']));
  });
});
