// Assembles the engine's parts for a process (CLI worker, serve, tests' child processes): database pool, keyring,
// secret store, engine, optional worker and reconciler. Takes parsed values only; the CLI reads the environment.
import type { Logger } from 'pino';
import { createDb } from '../db/index';
import { createSecretStore, type SecretStore } from '../secrets/store';
import { loadOrCreateLocalKeyring, parseKeyringSpec, type Keyring } from '../secrets/keyring';
import type { Db } from './db';
import { createEngine, type Engine } from './engine';
import { defaultMachineSet } from './defaultMachines';
import type { MachineSet } from './machines';

export interface EngineRuntime {
  readonly db: Db;
  readonly secrets: SecretStore;
  readonly engine: Engine;
  readonly machines: MachineSet;
  close(): Promise<void>;
}

/** REGBATCH_SECRET_KEYS when given, else the local key generated into `<home>/secret.key`. */
export function resolveKeyring(opts: { secretKeys?: string | undefined; home: string }): Keyring {
  return opts.secretKeys ? parseKeyringSpec(opts.secretKeys) : loadOrCreateLocalKeyring(opts.home);
}

export function createEngineRuntime(opts: { url: string; log: Logger; keyring: Keyring; machines?: MachineSet; poolSize?: number; db?: Db }): EngineRuntime {
  const db = opts.db ?? createDb(opts.url, { max: opts.poolSize ?? 10, applicationName: 'regbatch-engine', onIdleError: (e) => opts.log.warn({ err: e.message, pool: 'regbatch-engine' }, 'idle database connection failed') });
  const machines = opts.machines ?? defaultMachineSet();
  const secrets = createSecretStore({ db, keyring: opts.keyring });
  const engine = createEngine({ db, log: opts.log, secrets, machines });
  return {
    db,
    secrets,
    engine,
    machines,
    close: async () => {
      if (!opts.db) await db.destroy();
    },
  };
}
