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
