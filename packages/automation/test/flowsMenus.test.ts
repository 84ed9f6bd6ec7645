// menuImport of every fixture menu (through the exporter) leaves exactly the CSV's dishes; a file the
// portal rejects is a failure, never a "completed" import with no menu; optionSets for the three fixture
// option-set files leaves every set on every dish it names (time per set printed).
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createBrowserPool, type BrowserPool } from '../src/browser/pool';
import { exportMenuCsv } from '../src/menu/export';
import { parseOptionSetsCsv } from '../src/menu/optionSets';
import { parseMenuCsv } from '../src/menu/parse';
import { createSandboxServer, defaultFixturesDir, type SandboxServer } from '../src/sandbox/server';
import { createPortalClient, type PortalClient } from '../src/sandbox/portal';
import { csvDishKeys, FlowError, menuImport, optionSets, type Flow } from '../src/flows';
import { diskArtifacts, flowContext, memoryLog, memorySecrets, sandboxPortalSettings, seedRestaurant } from '../src/flows/testing';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 30_000 });

let sb: SandboxServer;
let pool: BrowserPool;
let portal: PortalClient;
const PASSWORD = 'Menu-Pass-2025!';
const secrets = memorySecrets({ 'secret:account': PASSWORD });
const fixtures = defaultFixturesDir();
const menus = readdirSync(resolve(fixtures, 'menus')).filter((f) => f.endsWith('.csv')).sort();

function run<I, O>(flow: Flow<I, O>, input: I, log = memoryLog()): Promise<O> {
  const settings = sandboxPortalSettings(sb.url, { actionTimeoutMs: 10_000 });
  const artifacts = diskArtifacts(join(tmpdir(), `regbatch-menus-${process.pid}`));
  return pool.withContext(async (c) => flow(flowContext({ page: await c.newPage(), log, artifacts, secrets, settings }), input));
}

let n = 0;
async function fresh(label: string) {
  n += 1;
  const email = `menu${n}@example.co.nz`;
  const { restaurantId } = await seedRestaurant(sb.url, { email, password: PASSWORD, name: `${label} ${n}`, subdomain: `menutest${n}` });
  return { account: { email, passwordRef: 'secret:account' }, platformRestaurantId: restaurantId };
}

beforeAll(async () => {
  sb = await createSandboxServer();
  portal = createPortalClient(sb.url);
  pool = createBrowserPool({ allowedHosts: ['127.0.0.1'], maxContexts: 2, log: { info() {}, warn() {} } });
});
afterAll(async () => {
  await pool?.close();
  await sb?.close();
});

describe('menuImport', () => {
  it(`imports each of the ${menus.length} fixture menus exactly`, async () => {
    expect(menus.length).toBe(13);
    const queue = [...menus];
    const worker = async () => {
      for (let file = queue.shift(); file; file = queue.shift()) {
        const exported = exportMenuCsv(parseMenuCsv(readFileSync(resolve(fixtures, 'menus', file))));
        const r = await fresh(file);
        const out = await run(menuImport, { ...r, csv: exported.csv, sha256: exported.sha256 });
        expect(out, file).toEqual({ imported: true, itemCount: exported.rows, sha256: exported.sha256 });
        const items = (await portal.menu(r.platformRestaurantId)).items;
        const keys = items.map((i) => [i.menuName, i.categoryName, i.name, i.price, i.type].join(' | ')).sort();
        expect(keys, file).toEqual(csvDishKeys(exported.csv));
      }
    };
    await Promise.all([worker(), worker()]);
  });

  it('reports failure when the portal rejects the file, and leaves the menu untouched', async () => {
    const r = await fresh('Rejected');
    const good = exportMenuCsv(parseMenuCsv(readFileSync(resolve(fixtures, 'menus', 'winnerwinner_menu_03-08-2025.csv'))));
    await run(menuImport, { ...r, csv: good.csv, sha256: good.sha256 });
    // Another menu whose third dish claims a CDN image without its id: CloudWaitress refuses the whole file.
    const other = exportMenuCsv(parseMenuCsv(readFileSync(resolve(fixtures, 'menus', 'himalaya_menu_31-07-2025.csv'))));
    const lines = other.csv.trimEnd().split('\n');
    expect(lines[3]).toMatch(/,FALSE,,,$/);
    lines[3] = lines[3]!.replace(/,FALSE,,,$/, ',TRUE,,,');
    const bad = `${lines.join('\n')}\n`;
    const err = await run(menuImport, { ...r, csv: bad, sha256: 'bad'.repeat(20) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlowError);
    expect(err).toMatchObject({ code: 'validation', retryable: false });
    expect((err as FlowError).message).toMatch(/imageCDNID is empty/);
    const m = await portal.menu(r.platformRestaurantId);
    expect(m.imports).toHaveLength(1);
    expect(m.items).toHaveLength(good.rows);
  });
});

describe('optionSets', () => {
  const files = readdirSync(resolve(fixtures, 'option-sets')).sort();
  it.each(files)('puts every set of %s on every dish it names', async (file) => {
    const menuFile = file.replace('.option-sets.csv', '.csv');
    const exported = exportMenuCsv(parseMenuCsv(readFileSync(resolve(fixtures, 'menus', menuFile))));
    const r = await fresh(menuFile);
    await run(menuImport, { ...r, csv: exported.csv, sha256: exported.sha256 });
    const sets = parseOptionSetsCsv(readFileSync(resolve(fixtures, 'option-sets', file))).map((s) => ({
      name: s.name,
      displayName: s.displayName,
      required: s.required,
      multiSelect: s.multiSelect,
      quantitySelect: s.quantitySelect,
      minOptions: s.minOptions,
      maxOptions: s.maxOptions,
      freeAmount: s.freeAmount,
      options: s.options.map((o) => ({ name: o.name, price: o.price, printName: o.printName, isDefault: o.isDefault })),
      dishNames: s.appliesToDishes,
    }));
    const started = Date.now();
    const out = await run(optionSets, { ...r, optionSets: sets });
    const total = Date.now() - started;
    console.log(`optionSets ${file}: ${sets.length} sets in ${total} ms (flow incl. login and verification); per set: ${Object.entries(out.msPerSet).map(([k, v]) => `${k} ${v} ms`).join(', ')}`);
    const inPortal = await portal.optionSets(r.platformRestaurantId);
    expect(inPortal.map((s) => s.name).sort()).toEqual(sets.map((s) => s.name).sort());
    for (const s of sets) {
      const p = inPortal.find((x) => x.name === s.name)!;
      expect(p.conditions).toMatchObject({ required: s.required, multiSelect: s.multiSelect, minOptions: s.minOptions, maxOptions: s.maxOptions });
      expect(p.options.map((o) => [o.name, o.price])).toEqual(s.options.map((o) => [o.name, o.price]));
      const names = p.itemNames.map((x) => x.toLowerCase());
      for (const d of s.dishNames) expect(names, `${s.name} on ${d}`).toContain(d.toLowerCase());
    }
  });
});
