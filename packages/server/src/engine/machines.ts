// How the engine drives a machine: restore a persisted snapshot (migrating older versions), run XState's pure
// transition, persist, project onto rows. The default set wires @regbatch/machines; tests of the engine alone
// may pass their own set through createEngine({ machines }).
import { createActor, initialTransition, transition, type AnyStateMachine, type AnyMachineSnapshot } from 'xstate';
import type { FieldError } from './errors';
import type { SecretPath } from '../secrets/store';

export type RowValues = Record<string, unknown>;

export interface JobProjection {
  readonly job: RowValues;
  readonly steps: readonly RowValues[];
  readonly searchCandidates: RowValues | null;
}

export interface CheckResult {
  readonly ok: boolean;
  readonly code?: string;
  readonly message?: string;
  readonly fieldErrors?: readonly FieldError[];
}

export interface MachineAdapter<P> {
  readonly kind: 'job' | 'batch';
  readonly machine: AnyStateMachine;
  readonly version: number;
  /** Brings a persisted snapshot of `fromVersion` up to `version`; throws when no migration handles it. */
  migrate(persisted: unknown, fromVersion: number): unknown;
  project(snapshot: AnyMachineSnapshot): P;
  /** The machines' own verdict on an event (validation, terminal states); absent → XState's `can()`. */
  check?(snapshot: AnyMachineSnapshot, event: AnyEventObject): CheckResult;
  /**
   * A cheaper way to the initial snapshot for `input` (e.g. resolving the initial state with the machine's context
   * factory). createBatch uses it only after checking, once per batch, that it equals the full initial transition.
   */
  initialSnapshot?(input: unknown): AnyMachineSnapshot;
}

export interface AnyEventObject {
  type: string;
  [k: string]: unknown;
}

export interface MachineSet {
  readonly job: MachineAdapter<JobProjection>;
  readonly batch: MachineAdapter<RowValues>;
  /** Where secrets sit inside an event of this type, so they are swapped for references before it is applied. */
  secretPaths(event: AnyEventObject): readonly SecretPath[];
  /** Where secrets sit inside a job's creation input (its execution config). */
  readonly inputSecretPaths: readonly SecretPath[];
}

export function restore(machine: AnyStateMachine, persisted: unknown): AnyMachineSnapshot {
  // Constructing (not starting) an actor restores the snapshot without running any action.
  return createActor(machine, { snapshot: persisted as never }).getSnapshot() as AnyMachineSnapshot;
}

export function persist(machine: AnyStateMachine, snapshot: AnyMachineSnapshot): unknown {
  return machine.getPersistedSnapshot(snapshot);
}

export function step(
  machine: AnyStateMachine,
  snapshot: AnyMachineSnapshot,
  event: AnyEventObject,
): [AnyMachineSnapshot, { type: string; params?: unknown }[]] {
  const [next, actions] = transition(machine, snapshot, event as never);
  return [next as AnyMachineSnapshot, actions as { type: string; params?: unknown }[]];
}

export function start(machine: AnyStateMachine, input: unknown): [AnyMachineSnapshot, { type: string; params?: unknown }[]] {
  const [snap, actions] = initialTransition(machine, input as never);
  return [snap as AnyMachineSnapshot, actions as { type: string; params?: unknown }[]];
}
