// The engine's default machine set: @regbatch/machines' job and batch statecharts, their projections onto the
// seed's rows, versions and migrations, the machines' own event check, and where secrets sit in events.
import { initialTransition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import {
  MACHINE_VERSIONS,
  SECRET_PATHS,
  batchMachine,
  checkEvent,
  initialJobContext,
  jobMachine,
  migrateSnapshot,
  projectBatch,
  projectJob,
} from '@regbatch/machines';
import type { AnyEventObject, CheckResult, JobProjection, MachineSet, RowValues } from './machines';
import type { FieldError } from './errors';

const FINAL_CODES = new Set(['JOB_CANCELLED', 'JOB_COMPLETED', 'BATCH_CANCELLED', 'MACHINE_STOPPED']);

/** The machines' checkEvent, in the engine's rejection vocabulary; a stale task result is refused without a write. */
function check(machine: AnyStateMachine) {
  return (snapshot: AnyMachineSnapshot, event: AnyEventObject): CheckResult => {
    const r = checkEvent(machine, snapshot, event as never);
    if (r.ok) {
      const stale = r.warnings.find((w) => w.code === 'STALE_RESULT');
      return stale ? { ok: false, code: 'not_applicable', message: stale.message } : { ok: true };
    }
    if (r.code === 'INVALID_CONFIG') {
      return { ok: false, code: 'validation_failed', message: r.message, fieldErrors: fieldErrorsOf(r.details, (event as { config?: unknown }).config) };
    }
    return { ok: false, code: FINAL_CODES.has(r.code) ? 'target_final' : 'not_applicable', message: `${r.code}: ${r.message}` };
  };
}

/** zod issues → field errors naming the path and the offending value. */
function fieldErrorsOf(details: unknown, root: unknown): FieldError[] {
  if (!Array.isArray(details)) return [];
  return details.map((issue: { path?: string | (string | number)[]; message?: string }) => {
    // ConfigIssue paths are dotted strings ("settings.primary_color"); raw zod issues carry arrays.
    const path = typeof issue.path === 'string' ? (issue.path === '' ? [] : issue.path.split('.')) : (issue.path ?? []);
    let value: unknown = root;
    for (const k of path) value = value && typeof value === 'object' ? (value as Record<string | number, unknown>)[k] : undefined;
    const secret = path.some((k) => /password/i.test(String(k)));
    return { path: path.join('.'), message: issue.message ?? 'invalid', ...(secret || value === undefined ? {} : { value }) };
  });
}

export function defaultMachineSet(): MachineSet {
  let initialValue: unknown;
  return {
    job: {
      kind: 'job',
      machine: jobMachine,
      version: MACHINE_VERSIONS.job,
      migrate: (persisted, from) => migrateSnapshot('job', persisted as never, from),
      project: (snapshot) => projectJob(snapshot as never) as unknown as JobProjection,
      check: check(jobMachine),
      initialSnapshot: (input) => {
        initialValue ??= initialTransition(jobMachine, input as never)[0].value;
        return jobMachine.resolveState({ value: initialValue, context: initialJobContext(input as never) } as never) as AnyMachineSnapshot;
      },
    },
    batch: {
      kind: 'batch',
      machine: batchMachine,
      version: MACHINE_VERSIONS.batch,
      migrate: (persisted, from) => migrateSnapshot('batch', persisted as never, from),
      project: (snapshot) => projectBatch(snapshot as never) as unknown as RowValues,
      check: check(batchMachine),
    },
    secretPaths: (event) => (event.type === 'config.submitted' ? SECRET_PATHS.map((p) => ['config', ...p]) : []),
    inputSecretPaths: SECRET_PATHS,
  };
}
