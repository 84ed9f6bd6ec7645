// Which handler set the demo's in-process workers run, by target: `sandbox` = the real handlers registered for the
// outside world (driven against the local sandbox), `simulate` = the engine's simulate set (a dry run: every effect
// lands in the simulate ledger). The registry is by kind, so a target is complete only when every task kind the
// machines ask for has a handler; a missing kind is named instead of silently hanging a job.
import { STEP_TASK_KINDS, SUB_STEP_KEYS } from '@regbatch/machines';
import type { TaskHandler } from '../work/registry';
import { createSimulateHandlers, type SimulateConfig } from '../work/simulate';

export const TARGETS = ['sandbox', 'simulate'] as const;
export type Target = (typeof TARGETS)[number];

/** Every kind a job can request through runTask, apart from the engine's own `deliver`. */
export const HANDLED_KINDS: readonly string[] = [...STEP_TASK_KINDS, ...SUB_STEP_KEYS];

export class TargetIncompleteError extends Error {
  readonly code = 'target_incomplete';
  readonly retryable = false;
  constructor(
    readonly target: Target,
    readonly missing: readonly string[],
  ) {
    super(
      `the ${target} target has no handler for ${missing.join(', ')} in this build, so jobs would stop there; ` +
        `run \`regbatch demo --target simulate\` for a dry run through the same engine`,
    );
    this.name = 'TargetIncompleteError';
  }
}

export function missingKinds(handlers: Readonly<Record<string, TaskHandler>>): string[] {
  return HANDLED_KINDS.filter((k) => typeof handlers[k] !== 'function');
}

/** Real handler sets contributed for the sandbox target, by kind (later sets win, as in createRegistry). */
export type RealHandlerFactory = () => Promise<Record<string, TaskHandler>> | Record<string, TaskHandler>;

export async function handlersFor(
  target: Target,
  opts: { simulate?: SimulateConfig; real?: readonly RealHandlerFactory[] },
): Promise<Record<string, TaskHandler>> {
  if (target === 'simulate') return createSimulateHandlers(opts.simulate ?? {});
  const merged: Record<string, TaskHandler> = {};
  for (const factory of opts.real ?? []) Object.assign(merged, await factory());
  const missing = missingKinds(merged);
  if (missing.length) throw new TargetIncompleteError(target, missing);
  return merged;
}
