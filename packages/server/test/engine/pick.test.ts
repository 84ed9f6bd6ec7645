// Claim-time limit decisions (pure): browser slots, per-kind caps, and account creation one at a time per
// platform integrator with its gap, where organisations sharing an integrator share the rule.
import { expect, it } from 'vitest';
import { defaultLimits, pick, type Candidate, type ClaimState } from '../../src/work/limits';

const empty = (): ClaimState => ({ runningByKind: new Map(), runningByKey: new Map(), nextAllowed: new Map() });
const acct = (id: string, organisationId: string, integratorId: string | null = null, accountGapMs: number | null = null): Candidate => ({
  id, kind: 'cloudwaitressAccount', organisationId, integratorId, accountGapMs,
});

it('starts one account creation per integrator at a time, and organisations sharing an integrator share it', () => {
  const limits = defaultLimits({ accountGapMs: 60_000, browserSlots: 10 });
  const r = pick(limits, [acct('a1', 'orgA', 'int-1'), acct('b1', 'orgB', 'int-1'), acct('c1', 'orgC'), acct('a2', 'orgA', 'int-1')], empty(), 10, 1_000);
  expect(r.picked.map((c) => c.id)).toEqual(['a1', 'c1']);
  expect(r.advance.get('account:integrator:int-1')).toBe(61_000);
});

it("honours the organisation's own gap setting and reports when the held-back creation may start", () => {
  const limits = defaultLimits({ accountGapMs: 60_000, browserSlots: 10 });
  const state = empty();
  state.nextAllowed.set('account:orgA', 5_000);
  const r = pick(limits, [acct('a1', 'orgA', null, 1_000), acct('b1', 'orgB', null, 1_000)], state, 10, 1_000);
  expect(r.picked.map((c) => c.id)).toEqual(['b1']);
  expect(r.advance.get('account:orgB')).toBe(2_000);
  expect(r.wakeAt).toBe(5_000);
});

it('caps browser-heavy kinds together by the shared slot budget, counting what already runs', () => {
  const limits = { ...defaultLimits({ accountGapMs: 0, browserSlots: 3 }), concurrency: { menuImport: 1 } };
  const state = empty();
  state.runningByKind.set('uploadImages', 1);
  const c = (id: string, kind: string): Candidate => ({ id, kind, organisationId: 'o' });
  const r = pick(limits, [c('1', 'menuImport'), c('2', 'menuImport'), c('3', 'registry.searchByName'), c('4', 'websiteConfig'), c('5', 'uploadImages')], state, 10, 0);
  // menuImport capped at 1; browser slots 3 with one running: menuImport + websiteConfig; the register search needs no browser.
  expect(r.picked.map((x) => x.id)).toEqual(['1', '3', '4']);
});
