// Public API of @regbatch/server for other packages and tests. Engine, API and workers add their exports here.
export { createDb } from './db/index';
export type { Db, DB, CreateDbOptions } from './db/index';
export { migrate, MigrationError } from './db/migrate';
export type { MigrateOptions, MigrateResult, MigrateLog } from './db/migrate';
export { openDatabase, ensureDatabase, withDatabase, EMBEDDED_DATABASE_NAME } from './db/connect';
export type { OpenedDatabase } from './db/connect';
export { startEmbeddedPostgres, EmbeddedPostgresError } from './db/embedded';
export type { EmbeddedPostgresOptions, RunningEmbeddedPostgres, EmbeddedLog } from './db/embedded';
export { SEED_ORGANISATIONS, SEED_USERS } from './db/seedIdentities';
export type { SeedUser } from './db/seedIdentities';
export { parseEnv, EnvSchema, EnvError } from './env';
export type { Env } from './env';
export { main as runCli, buildCli } from './cli';
export type { CliContext, RegisterCommand } from './cli/context';
export { asRole, asUser } from './db/rls';
export type { SupabaseRole, JwtClaims } from './db/rls';
// The API's router type, for the web client (a type-only import).
export type { AppRouter } from './api/index';
// Engine, workers and the real handler set, for cross-package suites (tests/) and embedding hosts.
export { createEngineRuntime, resolveKeyring } from './engine/runtime';
export type { EngineRuntime } from './engine/runtime';
export { parseKeyringSpec } from './secrets/keyring';
export { createWorker } from './work/worker';
export type { Worker, WorkerOptions } from './work/worker';
export { createRegistry, TaskFailure } from './work/registry';
export type { TaskHandler, TaskContext, ClaimedTask } from './work/registry';
export { defaultLimits } from './work/limits';
export { createRealHandlers, handlersForTarget, parseHandlerTarget, HANDLER_TARGETS } from './work/handlers/index';
export type { RealHandlers, RealHandlerDeps, HandlerTarget } from './work/handlers/index';
export { createLeadsImporter } from './api/leadsImporter';
export { restaurantFacts } from './api/rows';
export { createArtifactStore } from './ops/artifacts';
