// Machine versions, snapshot migrations and (de)serialisation. The engine stores `machine_version` beside every
// snapshot; an older snapshot is migrated before it is restored, and one no migration handles is reported, not run.
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { inertScope } from './inertScope';

export type MachineKind = 'job' | 'batch';

/** Bump when a change makes stored snapshots unreadable by the new machine, and add a migration from the old number. */
export const MACHINE_VERSIONS: Readonly<Record<MachineKind, number>> = { job: 1, batch: 1 };

/** A persisted snapshot as stored (JSON). */
export type PersistedSnapshot = Record<string, unknown>;

/** migrations[kind][n] turns a version-n snapshot into a version-(n+1) snapshot. */
export const MIGRATIONS: Readonly<Record<MachineKind, Readonly<Record<number, (persisted: PersistedSnapshot) => PersistedSnapshot>>>> = {
  job: {},
  batch: {},
};

export class SnapshotVersionError extends Error {
  readonly code = 'UNKNOWN_MACHINE_VERSION';
  readonly retryable = false;
  constructor(
    readonly kind: MachineKind,
    readonly version: unknown,
  ) {
    super(
      `cannot restore a ${kind} snapshot of machine_version ${JSON.stringify(version)}: this build runs version ${MACHINE_VERSIONS[kind]} and has migrations from ${
        Object.keys(MIGRATIONS[kind]).join(', ') || 'no older version'
      }`,
    );
    this.name = 'SnapshotVersionError';
  }
}

/** Brings a persisted snapshot from `fromVersion` to the current version, or throws SnapshotVersionError. */
export function migrateSnapshot(kind: MachineKind, persisted: PersistedSnapshot, fromVersion: number): PersistedSnapshot {
  const target = MACHINE_VERSIONS[kind];
  if (!Number.isInteger(fromVersion) || fromVersion < 1 || fromVersion > target) throw new SnapshotVersionError(kind, fromVersion);
  let current = persisted;
  for (let v = fromVersion; v < target; v++) {
    const step = MIGRATIONS[kind][v];
    if (!step) throw new SnapshotVersionError(kind, fromVersion);
    current = step(current);
  }
  return current;
}

/** The JSON-safe form of a snapshot, as the engine stores it in machine_snapshot. */
export function persistSnapshot(machine: AnyStateMachine, snapshot: AnyMachineSnapshot): PersistedSnapshot {
  return JSON.parse(JSON.stringify(machine.getPersistedSnapshot(snapshot))) as PersistedSnapshot;
}

/**
 * Restores a stored snapshot (migrating it first when `version` is older), ready for `transition()`.
 * No actor is started: nothing runs, no effect is replayed.
 */
export function restoreSnapshot(
  machine: AnyStateMachine,
  kind: MachineKind,
  persisted: PersistedSnapshot,
  version: number = MACHINE_VERSIONS[kind],
): AnyMachineSnapshot {
  const migrated = migrateSnapshot(kind, persisted, version);
  // What `createActor(machine, { snapshot })` does to restore, without constructing an actor.
  return machine.restoreSnapshot(migrated as never, inertScope(machine) as never) as AnyMachineSnapshot;
}
