// One reusable, inert actor scope per machine, for pure transitions and restores without building an actor each time.
import { createActor, type AnyStateMachine } from 'xstate';

export type ActionRecord = { type: string; params?: unknown };
export type InertScope = { actionExecutor: (action: ActionRecord) => void } & Record<string, unknown>;

const scopes = new WeakMap<AnyStateMachine, InertScope>();

/** Mirrors xstate's internal createInertActorScope, once per machine: nothing is started, nothing runs. */
export function inertScope(machine: AnyStateMachine): InertScope {
  let scope = scopes.get(machine);
  if (!scope) {
    const self = createActor(machine);
    scope = {
      self,
      defer: () => {},
      id: '',
      logger: () => {},
      sessionId: '',
      stopChild: () => {},
      system: self.system,
      emit: () => {},
      actionExecutor: () => {},
    };
    scopes.set(machine, scope);
  }
  return scope;
}
