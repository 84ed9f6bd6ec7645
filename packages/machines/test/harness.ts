// Test driver: applies events through checkEvent + transition() with increasing `at` stamps, keeps the effects, and
// answers runTask effects with scripted outcomes. The same path the engine takes, minus the database.
import { initialTransition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { applyEvent, effectsOf, type AnyMachineEvent, type Effect, type RunTaskParams } from '../src';
import type { BatchContext, JobContext, RestaurantFacts } from '../src';

export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

export class Driver {
  snapshot: AnyMachineSnapshot;
  effects: Effect[] = [];
  log: Effect[] = [];
  clock = T0;

  constructor(
    readonly machine: AnyStateMachine,
    input: unknown,
  ) {
    const [snapshot, actions] = initialTransition(machine, input as never);
    this.snapshot = snapshot as AnyMachineSnapshot;
    this.take(effectsOf(actions as never));
  }

  private take(effects: Effect[]) {
    this.effects.push(...effects);
    this.log.push(...effects);
  }

  now(): string {
    return new Date(this.clock).toISOString();
  }

  send(event: AnyMachineEvent, advanceMs = 1000): Effect[] {
    this.clock += advanceMs;
    const stamped = { ...event, at: this.now() } as AnyMachineEvent;
    const result = applyEvent(this.machine, this.snapshot, stamped);
    this.snapshot = result.snapshot;
    this.take(result.effects);
    return result.effects;
  }

  /** Running tasks the machine asked for and has not yet been answered for (latest attempt per task). */
  openTasks(): RunTaskParams[] {
    const open = new Map<string, RunTaskParams>();
    for (const e of this.effects) {
      if (e.type === 'runTask') open.set(e.params.task, e.params);
      if (e.type === 'cancelTask') open.delete(e.params.task);
    }
    return [...open.values()];
  }

  task(task: string): RunTaskParams {
    const found = this.openTasks().find((t) => t.task === task);
    if (!found) throw new Error(`no open task ${task}; open: ${this.openTasks().map((t) => t.task).join(', ')}`);
    return found;
  }

  succeed(task: string, output: unknown = {}): Effect[] {
    const t = this.task(task);
    this.effects = this.effects.filter((e) => !(e.type === 'runTask' && e.params.task === task));
    return this.send({ type: 'task.succeeded', task, attempt: t.attempt, output });
  }

  fail(task: string, error: { code?: string; message?: string; retryable?: boolean; retryAfterMs?: number } = {}): Effect[] {
    const t = this.task(task);
    this.effects = this.effects.filter((e) => !(e.type === 'runTask' && e.params.task === task));
    return this.send({
      type: 'task.failed',
      task,
      attempt: t.attempt,
      error: { code: error.code ?? 'BOOM', message: error.message ?? 'it broke', retryable: error.retryable ?? true, ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}) },
    });
  }

  /** Fires the pending schedule of a task's retry. */
  fireTimer(task: string): Effect[] {
    const schedule = [...this.effects].reverse().find((e) => e.type === 'schedule' && e.params.id.startsWith(`${task}#`));
    if (!schedule || schedule.type !== 'schedule') throw new Error(`no schedule for ${task}`);
    this.effects = this.effects.filter((e) => e !== schedule);
    return this.send(schedule.params.event, schedule.params.delayMs);
  }

  /** Fails a task until its retries are exhausted (every attempt failing retryably). */
  exhaust(task: string): void {
    for (;;) {
      this.fail(task);
      const status = (this.snapshot.context as { tasks: Record<string, { status: string }> }).tasks[task]?.status;
      if (status !== 'retrying') return;
      this.fireTimer(task);
    }
  }

  get context(): JobContext {
    return this.snapshot.context as JobContext;
  }

  get batch(): BatchContext {
    return this.snapshot.context as BatchContext;
  }
}

export const restaurant: RestaurantFacts = {
  id: 'rest-1',
  name: 'Pizza Palace (Mission Bay)',
  address: '123 Main Street, Mission Bay, Auckland 1071',
  city: 'Auckland',
  phone: '021 123 4567',
  email: 'Owner@PizzaPalace.co.nz',
  contact_name: 'John Smith',
  primary_color: '#aa0000',
  secondary_color: '#ffffff',
};

export const nameResults = {
  results: [
    {
      company_name: 'PIZZA PALACE LIMITED',
      company_number: '1234567',
      nzbn: '9429000000001',
      status: 'Registered',
      incorporation_date: '2015-03-15',
      registered_address: '123 Main Street, Mission Bay, Auckland 1071',
    },
    {
      company_name: 'PIZZA PALACE HOLDINGS LIMITED',
      company_number: '7654321',
      nzbn: '9429000000002',
      status: 'Removed',
      incorporation_date: '2001-01-01',
      registered_address: '1 Queen Street, Wellington',
      removed_on: '2019-05-01',
    },
  ],
};

/** The account password step 4's handler generated and sealed: the machine only ever sees this reference. */
export const generatedPasswordRef = { secret_ref: '7c9e6679-7425-40de-944b-e07fc1f90ae7' };

/** company.details output as the host returns it: the company, plus the sealed generated password's reference. */
export const companyDetails = {
  account_password_ref: generatedPasswordRef,
  company_name: 'PIZZA PALACE LIMITED',
  company_number: '1234567',
  nzbn: '9429000000001',
  status: 'Registered',
  directors: [{ name: 'John Smith', full_name: 'John Andrew Smith', status: 'Current' }],
  nzbn_details: { email: 'john@pizzapalace.co.nz', gst_number: '123-456-789' },
};

export function jobInput(overrides: Record<string, unknown> = {}) {
  return { jobId: 'job-1', batchId: 'batch-1', organisationId: 'org-1', restaurant, ...overrides };
}

import { normaliseExecutionConfig, type SubStepKey } from '../src';

/** A valid configuration with some sub-steps switched off. */
export function configWith(disabled: SubStepKey[] = []) {
  return normaliseExecutionConfig({
    email: 'owner@pizzapalace.co.nz',
    password: { secret_ref: 'secret-1' },
    onboarding: { user_name: 'Jo', user_email: 'jo@pizzapalace.co.nz', user_password: { secret_ref: 'secret-2' } },
    steps_enabled: Object.fromEntries(disabled.map((k) => [k, false])),
  });
}

export function yoloInput(disabled: SubStepKey[] = [], overrides: Record<string, unknown> = {}) {
  return { ...jobInput(overrides), executionConfig: configWith(disabled) };
}
