// The database handle the engine, workers and secrets take. They speak raw SQL through Kysely's `sql` tag,
// so any Kysely instance will do (the generated schema type of src/db or none).
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw SQL only; the table types live in src/db/schema.ts
export type Db = Kysely<any>;

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
