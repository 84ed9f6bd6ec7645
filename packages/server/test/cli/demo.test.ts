// The main job end to end through the CLI: `regbatch demo --exit` on three of the project's example leads, with
// the in-process sandbox, workers and API, against a cloned test database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoResult } from '../../src/cli/demo';
import type { BatchStatusJson } from '../../src/cli/batch';
import { createCliWorld, EXAMPLE_LEADS, regbatch, type CliWorld } from './helpers';

let world: CliWorld;
beforeAll(async () => {
  world = await createCliWorld();
});
afterAll(async () => {
  await world?.close();
});

describe('regbatch demo', () => {
  it('runs three leads to completion in headless Chromium against the sandbox, and the sandbox\'s verification holds', async () => {
    const run = await regbatch(['demo', '--leads', EXAMPLE_LEADS, '--limit', '3', '--browser-slots', '3', '--exit', '--port', '0', '--json'], world.env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as DemoResult;
    expect(result).toMatchObject({ ok: true, target: 'sandbox' });
    const byName = new Map(result.rows.map((r) => [r.restaurant, r]));
    expect([...byName.keys()].sort()).toEqual(['Kererū Coffee & Bagels', 'Pūriri Pizza Kitchen', 'Tōtara Street Dumplings']);
    for (const r of result.rows) expect(r.outcome).toBe('completed');
    // Confident matches from the example register (a trading name, a macron); the removed namesake is "no match".
    expect(byName.get('Tōtara Street Dumplings')?.companyNumber).toBe('2104417');
    expect(byName.get('Kererū Coffee & Bagels')?.companyNumber).toBe('2209931');
    expect(byName.get('Pūriri Pizza Kitchen')?.company).toBe('no match');

    const v = result.verification!;
    expect(v.ok).toBe(true);
    expect(v.duplicatesTotal).toBe(0);
    const lead = new Map(v.leads.map((l) => [l.restaurant, l]));
    for (const l of v.leads) {
      expect(l).toMatchObject({ accounts: 1, restaurants: 1, duplicates: 0, problems: [] });
      expect(l.menuItems.found).toBe(l.menuItems.expected);
    }
    expect(lead.get('Tōtara Street Dumplings')?.menuItems).toEqual({ expected: 10, found: 10 });
    expect([...(lead.get('Tōtara Street Dumplings')?.optionSets.found ?? [])].sort()).toEqual(['Cooking Style', 'Extra Sauce']);
    // Its menu lists "Flat White" twice (two sizes): both arrive, and that is not counted as a duplicate.
    expect(lead.get('Kererū Coffee & Bagels')?.menuItems).toEqual({ expected: 9, found: 9 });
  }, 480_000);

  it('runs three leads through all six steps with the simulate target, says what it decided for the user, and exits 0', async () => {
    // Sub-steps of 150-300 ms, so step 6 lasts long enough to be seen in the progress lines on a quiet machine too
    // (with the default durations a restaurant could go from step 1 to completed between two progress reads).
    const simulate = JSON.stringify({ durations: { default: { minMs: 150, maxMs: 300 } } });
    const run = await regbatch(['demo', '--target', 'simulate', '--simulate', simulate, '--leads', EXAMPLE_LEADS, '--limit', '3', '--exit', '--port', '0'], world.env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out).toMatch(/\[3\/9\] leads: .*examples\/leads\.csv: \d+ new, \d+ updated; running the first 3 \(--limit 3\)/);
    expect(out).toContain('--auto-select confident');
    expect(out).toContain('marked "no match"');
    expect(out).toContain('--config defaults');
    expect(out).toMatch(/account creations one at a time 1 s apart \(scaled down for the sandbox; 60 s against the real platform\)/);
    // Progress lines (not a terminal): each restaurant passes step 6's sub-steps and completes.
    expect(out).toMatch(/^ {2}(Tōtara Street Dumplings|Kererū Coffee & Bagels|Pūriri Pizza Kitchen): step 6\/6 Pumpd Account Setup \d+\/12/m);
    expect(out).toMatch(/^restaurant\s+company chosen\s+outcome\s+duration$/m);
    for (const name of ['Tōtara Street Dumplings', 'Kererū Coffee & Bagels', 'Pūriri Pizza Kitchen']) {
      expect(out).toMatch(new RegExp(`^${name}\\s+.+\\s+completed\\s+\\d+s$`, 'm'));
    }
    expect(out).not.toContain('Southern Cross Fish Bar  ');
    expect(out).toMatch(/ledger holds \d+ effect\(s\), 0 recorded twice/);
    expect(out).toMatch(/3\/3 restaurant\(s\) completed; wall time/);

    // The batch it ran is there for `batch status` afterwards.
    const batchId = /\[4\/9\] batch ([0-9a-f-]{36})/.exec(out)?.[1];
    expect(batchId).toBeDefined();
    const status = JSON.parse((await regbatch(['batch', 'status', batchId!, '--json'], world.env)).stdout) as BatchStatusJson;
    expect(status.batch).toMatchObject({ status: 'completed', total: 3, completed: 3, failed: 0 });
    expect(status.jobs.every((j) => j.outcome === 'completed' && j.subStepsDone === 12 && typeof j.durationMs === 'number')).toBe(true);

    // `batch watch` on a finished batch prints where it ended and exits 0.
    const watched = await regbatch(['batch', 'watch', batchId!], world.env);
    expect(watched.code).toBe(0);
    expect(watched.stdout).toMatch(/: completed, 3\/3 completed, 0 failed$/m);

    const exported = await regbatch(['batch', 'export', batchId!], world.env);
    expect(exported.stdout.split('\n')[0]).toBe('restaurant,site_url,login_email,stripe_link,outcome,error,completed_at,job_id');
    expect(exported.stdout.trim().split('\n')).toHaveLength(4);
  }, 120_000);

  it('--json prints the result alone', async () => {
    const run = await regbatch(['demo', '--target', 'simulate', '--leads', EXAMPLE_LEADS, '--limit', '1', '--exit', '--port', '0', '--json'], world.env);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as DemoResult;
    expect(result).toMatchObject({ ok: true, target: 'simulate', verification: null });
    expect(result.rows).toHaveLength(1);
    expect(result.rows[0]).toMatchObject({ restaurant: 'Tōtara Street Dumplings', outcome: 'completed' });
    expect(result.wallMs).toBeGreaterThan(0);
  }, 120_000);
});
