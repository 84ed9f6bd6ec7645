// Regression: a connection terminated between the statements of a transaction crashed the whole process with an
// unhandled 'error' event (pg-pool listens only on idle clients), as a worker did when its database restarted.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createDb, type Db } from '../../src/db/index';
import { createTestDatabase, type TestDatabase } from '../../src/testing/database';

let tdb: TestDatabase;
let db: Db;
beforeAll(async () => {
  tdb = await createTestDatabase();
  db = createDb(tdb.url, { max: 2 });
});
afterAll(async () => {
  await db?.destroy();
  await tdb?.drop();
});

it('a connection terminated mid-transaction fails that transaction, and the process and the pool carry on', async () => {
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', onUncaught);
  try {
    const failed = db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
      // Between two statements, as when a handler awaits something else inside the transaction.
      await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(tdb.db);
      await new Promise((r) => setTimeout(r, 200));
      await sql`select 1`.execute(trx);
    });
    await expect(failed).rejects.toThrow();
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
    expect(rows).toEqual([{ one: 1 }]);
    expect(uncaught).toEqual([]);
  } finally {
    process.off('uncaughtException', onUncaught);
  }
});
