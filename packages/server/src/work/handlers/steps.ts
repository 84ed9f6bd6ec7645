// Steps 1-4 for real: automation's step handlers (extraction.run, the two register searches, company.details)
// built per organisation from its target — its registry client, its store-page host, its browser allow-list —
// over the worker's one browser pool, with their typed failures as the worker's TaskFailure.
import { createRegistryClient, createStepHandlers, type BrowserPool } from '@regbatch/automation';
import { STEP_TASK_KINDS } from '@regbatch/machines';
import { TaskFailure, type TaskHandler } from '../registry';
import type { OrganisationTarget, SettingsResolver } from './settings';

type StepKind = (typeof STEP_TASK_KINDS)[number];

/** The pool as one organisation sees it: its contexts reach only that organisation's hosts. */
export function poolFor(pool: BrowserPool, target: OrganisationTarget): BrowserPool {
  return {
    withContext: (fn, opts = {}) => pool.withContext(fn, { ...opts, allowedHosts: opts.allowedHosts ?? target.allowedHosts }),
    stats: () => pool.stats(),
    close: () => pool.close(),
  };
}

export function createRealStepHandlers(deps: { settings: SettingsResolver; pool: () => BrowserPool }): Record<StepKind, TaskHandler> {
  const fail = (code: string, message: string, retryable: boolean, retryAfterMs?: number) => new TaskFailure(code, message, retryable, retryAfterMs);
  // One handler set per organisation target; a settings change (a new target object after the cache) builds a new one.
  const sets = new WeakMap<OrganisationTarget, ReturnType<typeof createStepHandlers>>();
  const setFor = (target: OrganisationTarget) => {
    let set = sets.get(target);
    if (!set) {
      const client = createRegistryClient(target.registry);
      set = createStepHandlers({ registry: () => client, browserPool: poolFor(deps.pool(), target), storeUrl: (u) => target.storeUrl(u), fail });
      sets.set(target, set);
    }
    return set;
  };
  const out = {} as Record<StepKind, TaskHandler>;
  for (const kind of STEP_TASK_KINDS) {
    out[kind] = async (ctx) => {
      const target = await deps.settings.forOrganisation(ctx.task.organisationId);
      return setFor(target)[kind](ctx);
    };
  }
  return out;
}
