import { describe, expect, it } from 'vitest';
import { jobMachine, SUB_STEP_KEYS } from '../src';
import { Driver, companyDetails, jobInput, nameResults } from './harness';

function toStep6(d: Driver) {
  d.send({ type: 'job.start' });
  d.succeed('step1.extraction', { menu_id: 'menu-1' });
  d.succeed('step2.searchByName', nameResults);
  d.succeed('step2.searchByAddress', { results: [] });
  d.send({ type: 'company.selected', companyNumber: '1234567' });
  d.succeed('step4.companyDetails', companyDetails);
  const proposed = d.context.proposedConfig;
  d.send({ type: 'config.submitted', config: proposed });
}

describe('jobMachine', () => {
  it('runs a restaurant through all six steps to completed', () => {
    const d = new Driver(jobMachine, jobInput());
    toStep6(d);
    expect(d.snapshot.matches({ active: 'step6' })).toBe(true);
    for (let i = 0; i < 20 && d.openTasks().length; i++) {
      for (const t of d.openTasks()) d.succeed(t.task, {});
    }
    expect(d.snapshot.status).toBe('done');
    expect(d.snapshot.value).toBe('completed');
    for (const key of SUB_STEP_KEYS) expect(d.context.tasks[key].status).toBe('succeeded');
  });
});
