// Which handler set the demo's in-process workers run, by target: `sandbox` = the real handlers (work/handlers)
// driving the organisation's sandbox target, `simulate` = the engine's simulate set (a dry run: every effect lands in
// the simulate ledger). The registry is by kind, so a target is complete only when every task kind the machines ask
// for has a handler; a missing kind is named up front instead of silently parking jobs.
import { STEP_TASK_KINDS, SUB_STEP_KEYS } from '@regbatch/machines';
import type { TaskHandler } from '../work/registry';
import { handlersForTarget, type RealHandlerDeps } from '../work/handlers/index';
import type { SimulateConfig } from '../work/simulate';

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
    super(`the ${target} target has no handler for ${missing.join(', ')} in this build, so jobs would stop there; run \`regbatch demo --target simulate\` for a dry run`);
    this.name = 'TargetIncompleteError';
  }
}

export function missingKinds(handlers: Readonly<Record<string, TaskHandler>>): string[] {
  return HANDLED_KINDS.filter((k) => typeof handlers[k] !== 'function');
}

export interface TargetHandlers {
  readonly handlers: Record<string, TaskHandler>;
  /** Closes what the set opened (the browser pool); call after the worker stopped. */
  close(): Promise<void>;
}

export function handlersFor(target: Target, deps: RealHandlerDeps & { simulate?: SimulateConfig }): TargetHandlers {
  const set = handlersForTarget(target === 'sandbox' ? 'real' : 'simulate', deps);
  const missing = missingKinds(set.handlers);
  if (missing.length) throw new TargetIncompleteError(target, missing);
  return set;
}
