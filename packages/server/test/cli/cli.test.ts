// `regbatch leads import` and `regbatch batch ...` as a user runs them: exit codes, readable failures, --json shapes.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchStatusJson } from '../../src/cli/batch';
import { createCliWorld, EXAMPLE_LEADS, regbatch, ROOT, type CliWorld } from './helpers';

let world: CliWorld;
beforeAll(async () => {
  world = await createCliWorld();
});
afterAll(async () => {
  await world?.close();
});

const HEADER = 'name,address,city,phone,email,website_url,ubereats_url,cuisine,opening_hours,primary_color,secondary_color,menu_csv,option_sets_csv';

describe('regbatch leads import', () => {
  it('a file with a bad row exits non-zero naming the row and its field, and imports nothing', async () => {
    const dir = path.join(world.home, 'bad-leads');
    mkdirSync(path.join(dir, 'menus'), { recursive: true });
    copyFileSync(path.join(ROOT, 'examples/menus/kereru_bagels.csv'), path.join(dir, 'menus/kereru_bagels.csv'));
    const file = path.join(dir, 'leads.csv');
    writeFileSync(
      file,
      [
        HEADER,
        'Rātā Noodle Bar,"5 Rātā Street, Naenae",Lower Hutt,04 555 0190,noodles@rata.example.nz,,,noodles,Mon-Sun 11:00-21:00,#112233,#ffffff,menus/kereru_bagels.csv,',
        'Broken Bistro,"1 Nowhere Road, Ōtaki",Ōtaki,04 555 0191,not-an-email,,,bistro,Mon-Sun 11:00-21:00,#112233,#ffffff,menus/kereru_bagels.csv,',
      ].join('\n'),
    );
    const run = await regbatch(['leads', 'import', file], world.env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/line 3: email "not-an-email"/);
    expect(run.stderr).toContain('nothing imported');
    const rows = await world.database.db.selectFrom('restaurants').select('name').where('name', 'in', ['Rātā Noodle Bar', 'Broken Bistro']).execute();
    expect(rows).toEqual([]);

    // With --skip-bad-rows the good row goes in and the bad one is listed.
    const partial = await regbatch(['leads', 'import', file, '--skip-bad-rows'], world.env);
    expect(partial.code).toBe(0);
    expect(partial.stdout).toContain('1 restaurant(s) imported');
    expect(partial.stdout).toMatch(/skipped line 3: email/);
  });

  it('a missing file is a readable failure', async () => {
    const run = await regbatch(['leads', 'import', path.join(world.home, 'absent.csv')], world.env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^regbatch: .*cannot read .*absent\.csv/);
  });
});

describe('regbatch batch', () => {
  it('creates a batch from the imported leads and reports its status as JSON for scripts', async () => {
    const imported = await regbatch(['leads', 'import', EXAMPLE_LEADS, '--json'], world.env);
    expect(imported.code).toBe(0);
    const result = JSON.parse(imported.stdout) as { imported: number; restaurantIds: string[]; errors: unknown[] };
    expect(result.errors).toEqual([]);
    expect(result.restaurantIds).toHaveLength(4);

    const created = await regbatch(
      ['batch', 'create', '--restaurants', result.restaurantIds.slice(0, 2).join(','), '--name', 'CLI status', '--auto-select', 'confident', '--config', 'defaults', '--json'],
      world.env,
    );
    expect(created.stderr).toBe('');
    const { batchId, jobIds } = JSON.parse(created.stdout) as { batchId: string; jobIds: string[] };
    expect(jobIds).toHaveLength(2);

    const status = await regbatch(['batch', 'status', batchId, '--json'], world.env);
    expect(status.code).toBe(0);
    const s = JSON.parse(status.stdout) as BatchStatusJson;
    expect(s.batch).toMatchObject({ id: batchId, name: 'CLI status', status: 'pending', paused: false, mode: 'parallel', total: 2, completed: 0, failed: 0 });
    expect(s.jobs).toHaveLength(2);
    for (const j of s.jobs) {
      expect(Object.keys(j).sort()).toEqual(
        ['company', 'currentStep', 'durationMs', 'error', 'id', 'outcome', 'progress', 'restaurant', 'restaurantId', 'status', 'subStepsDone', 'waitingAtStep'].sort(),
      );
      expect(jobIds).toContain(j.id);
      expect(j.status).toBe('pending');
    }
    expect(s.jobs.map((j) => j.restaurant).sort()).toEqual(['Kererū Coffee & Bagels', 'Tōtara Street Dumplings']);

    // The human-readable form carries the same facts as a table.
    const text = await regbatch(['batch', 'status', batchId], world.env);
    expect(text.stdout).toMatch(/^CLI status: pending, 0\/2 completed, 0 failed$/m);
    expect(text.stdout).toMatch(/restaurant\s+company chosen\s+outcome\s+duration/);

    const cancelled = await regbatch(['batch', 'cancel', batchId, '--reason', 'test'], world.env);
    expect(cancelled.code).toBe(0);
    const after = JSON.parse((await regbatch(['batch', 'status', batchId, '--json'], world.env)).stdout) as BatchStatusJson;
    expect(after.batch.status).toBe('cancelled');
  });

  it('start, pause and resume change the batch; watch gives up after --timeout with exit code 1 when no worker runs', async () => {
    const { batchId } = JSON.parse((await regbatch(['batch', 'create', '--all', '--name', 'CLI lifecycle', '--json'], world.env)).stdout) as { batchId: string };
    const state = async () => (JSON.parse((await regbatch(['batch', 'status', batchId, '--json'], world.env)).stdout) as BatchStatusJson).batch;
    expect((await regbatch(['batch', 'start', batchId], world.env)).stdout).toBe(`batch ${batchId}: started\n`);
    expect(await state()).toMatchObject({ status: 'in_progress', paused: false });
    expect((await regbatch(['batch', 'pause', batchId], world.env)).code).toBe(0);
    expect(await state()).toMatchObject({ paused: true });
    expect((await regbatch(['batch', 'resume', batchId, '--json'], world.env)).code).toBe(0);
    expect(await state()).toMatchObject({ paused: false });
    const watch = await regbatch(['batch', 'watch', batchId, '--timeout', '1'], world.env);
    expect(watch.code).toBe(1);
    expect(watch.stderr).toMatch(/did not settle within 1000 ms: CLI lifecycle: in_progress/);
    const again = await regbatch(['batch', 'start', batchId], world.env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^regbatch: /);
  });

  it('another organisation\'s batch is not found, and a bad option names itself', async () => {
    const created = await regbatch(['batch', 'create', '--all', '--json'], world.env);
    const { batchId } = JSON.parse(created.stdout) as { batchId: string };
    const foreign = await regbatch(['batch', 'status', batchId, '--as', 'admin@org-b.example'], world.env);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toMatch(/batch .* does not exist or is not visible to you/);
    const bad = await regbatch(['batch', 'create', '--all', '--auto-select', 'sometimes'], world.env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--auto-select: expected one of confident, never, got "sometimes"');
  });
});
