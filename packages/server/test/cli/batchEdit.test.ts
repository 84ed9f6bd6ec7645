// `regbatch batch add|remove` as a user runs them: restaurants added to and removed from a pending batch, and a
// readable failure once it has started.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchStatusJson } from '../../src/cli/batch';
import { createCliWorld, EXAMPLE_LEADS, regbatch, type CliWorld } from './helpers';

let world: CliWorld;
beforeAll(async () => {
  world = await createCliWorld();
});
afterAll(async () => {
  await world?.close();
});

describe('regbatch batch add|remove', () => {
  it('adds and removes restaurants before the batch starts, and says why it cannot afterwards', async () => {
    const { restaurantIds } = JSON.parse((await regbatch(['leads', 'import', EXAMPLE_LEADS, '--json'], world.env)).stdout) as { restaurantIds: string[] };
    const { batchId } = JSON.parse((await regbatch(['batch', 'create', '--restaurants', restaurantIds[0]!, '--name', 'CLI edit', '--json'], world.env)).stdout) as { batchId: string };

    const added = await regbatch(['batch', 'add', batchId, '--restaurants', restaurantIds.slice(1, 3).join(','), '--json'], world.env);
    expect(added.stderr).toBe('');
    expect(JSON.parse(added.stdout)).toMatchObject({ batchId, totalRestaurants: 3 });
    const removed = await regbatch(['batch', 'remove', batchId, '--restaurants', restaurantIds[0]!], world.env);
    expect(removed.stdout).toBe(`batch ${batchId}: 1 restaurant(s) removed, 2 in total\n`);
    const status = JSON.parse((await regbatch(['batch', 'status', batchId, '--json'], world.env)).stdout) as BatchStatusJson;
    expect(status.batch).toMatchObject({ status: 'pending', total: 2 });
    expect(status.jobs.map((j) => j.restaurantId).sort()).toEqual(restaurantIds.slice(1, 3).sort());

    expect((await regbatch(['batch', 'start', batchId], world.env)).code).toBe(0);
    const late = await regbatch(['batch', 'add', batchId, '--restaurants', restaurantIds[3]!], world.env);
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/^regbatch: .*only before it starts \(draft or pending\)/);
  });
});
