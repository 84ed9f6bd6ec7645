// machineDefinitions(): the three statecharts as plain JSON (states, transitions, descriptions, tags) for the web
// client to lay out and draw, plus the Yolo plan. Read from the machines themselves, so the drawing cannot drift.
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { batchMachine } from './batchMachine';
import { jobMachine } from './jobMachine';
import { yoloMachine } from './yoloMachine';
import { planAsJson } from './yoloPlan';

export interface TransitionDefinitionJson {
  event: string;
  /** State node ids (e.g. "job.active.step3"); empty for a targetless transition. */
  targets: string[];
  guard: string | null;
  actions: string[];
  reenter: boolean;
}

export interface StateDefinitionJson {
  id: string;
  key: string;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  description: string | null;
  tags: string[];
  initial: string | null;
  entry: string[];
  exit: string[];
  transitions: TransitionDefinitionJson[];
  states: StateDefinitionJson[];
}

function actionName(action: unknown): string {
  if (typeof action === 'string') return action;
  if (typeof action === 'object' && action !== null && 'type' in action) return String((action as { type: unknown }).type);
  if (typeof action === 'function') {
    const type = (action as { type?: unknown }).type;
    return typeof type === 'string' ? type : 'inline';
  }
  return 'inline';
}

function guardName(guard: unknown): string | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && 'type' in guard) {
    const g = guard as { type: unknown; params?: unknown };
    return g.params && typeof g.params === 'object' ? `${String(g.type)}(${JSON.stringify(g.params)})` : String(g.type);
  }
  return 'inline';
}

function describe(node: AnyStateNode): StateDefinitionJson {
  const transitions: TransitionDefinitionJson[] = [];
  for (const [event, list] of node.transitions) {
    for (const t of list) {
      transitions.push({
        event,
        targets: (t.target ?? []).map((n: AnyStateNode) => n.id),
        guard: guardName(t.guard),
        actions: (t.actions ?? []).map(actionName),
        reenter: Boolean(t.reenter),
      });
    }
  }
  for (const t of node.always ?? []) {
    transitions.push({
      event: 'always',
      targets: (t.target ?? []).map((n: AnyStateNode) => n.id),
      guard: guardName(t.guard),
      actions: (t.actions ?? []).map(actionName),
      reenter: Boolean(t.reenter),
    });
  }
  const initialTarget = node.type === 'compound' ? node.initial?.target?.[0] : undefined;
  return {
    id: node.id,
    key: node.key,
    type: node.type,
    description: node.description ?? null,
    tags: [...node.tags],
    initial: initialTarget ? initialTarget.key : null,
    entry: node.entry.map(actionName),
    exit: node.exit.map(actionName),
    transitions,
    states: Object.values(node.states).map(describe),
  };
}

export function machineDefinition(machine: AnyStateMachine): StateDefinitionJson {
  return describe(machine.root);
}

/** JSON of the job, batch and yolo machines and the plan; JSON.stringify-safe. */
export function machineDefinitions() {
  return {
    job: machineDefinition(jobMachine),
    batch: machineDefinition(batchMachine),
    yolo: machineDefinition(yoloMachine),
    yoloPlan: planAsJson(),
  };
}
