// Claim-time limits (DESIGN §4): per-kind concurrency, one browser-slot budget shared by the browser-heavy kinds,
// and per-target rate groups (max concurrent + minimum gap between starts). Pure decisions over counts read
// from the database, so every process enforces the same global numbers.
import { SUB_STEP_KEYS } from '@regbatch/machines';

export interface RateGroup {
  readonly name: string;
  readonly kinds: readonly string[];
  /**
   * Keyed per organisation rather than one global key. With `byIntegrator`, organisations sharing a platform
   * integrator (organisations.settings.integratorId) share the key, as the platform counts per integrator.
   */
  readonly perOrganisation: boolean;
  readonly byIntegrator?: boolean;
  /** The organisation's own setting (organisations.settings.accountGapMs) overrides minGapMs when present. */
  readonly gapFromSettings?: boolean;
  readonly maxConcurrent?: number;
  /** Minimum time between two starts within the group's key. */
  readonly minGapMs?: number;
}

export interface Limits {
  /** Global cap of running tasks per kind, across all processes. */
  readonly concurrency: Readonly<Record<string, number>>;
  readonly browserKinds: readonly string[];
  /** Global cap of running browser-heavy tasks together. */
  readonly browserSlots: number;
  readonly rateGroups: readonly RateGroup[];
}

/** Account creation one at a time per integrator with a gap: 60 s against the real platform (what the original needed). */
export const PRODUCTION_ACCOUNT_GAP_MS = 60_000;
/** The same rule against the sandbox, scaled down. */
export const SANDBOX_ACCOUNT_GAP_MS = 1_000;

export function defaultLimits(opts: { accountGapMs: number; browserSlots?: number; registryGapMs?: number }): Limits {
  return {
    concurrency: {},
    // Every kind that drives a page. codeGeneration too: it fills in the manage site's Ordering Page customiser
    // (the original ran it as a Playwright script on its server); left out, three workers of three slots each ran
    // up to seven Chromium contexts on two cores in the chaos suite.
    browserKinds: ['extraction.run', 'company.details', ...SUB_STEP_KEYS],
    browserSlots: opts.browserSlots ?? 4,
    rateGroups: [
      { name: 'account', kinds: ['cloudwaitressAccount'], perOrganisation: true, byIntegrator: true, gapFromSettings: true, maxConcurrent: 1, minGapMs: opts.accountGapMs },
      {
        name: 'registry',
        kinds: ['registry.searchByName', 'registry.searchByAddress', 'company.details'],
        perOrganisation: false,
        ...(opts.registryGapMs ? { minGapMs: opts.registryGapMs } : {}),
      },
    ],
  };
}

export interface Candidate {
  readonly id: string;
  readonly kind: string;
  readonly organisationId: string;
  /** organisations.settings.integratorId, when set. */
  readonly integratorId?: string | null;
  /** organisations.settings.accountGapMs, when set. */
  readonly accountGapMs?: number | null;
}

export interface ClaimState {
  /** Live running tasks per kind (all processes). */
  runningByKind: Map<string, number>;
  /** Live running tasks per rate key. */
  runningByKey: Map<string, number>;
  /** Rate key → earliest next start. */
  nextAllowed: Map<string, number>;
}

export function rateKey(group: RateGroup, c: Candidate): string {
  if (!group.perOrganisation) return group.name;
  return group.byIntegrator && c.integratorId ? `${group.name}:integrator:${c.integratorId}` : `${group.name}:${c.organisationId}`;
}

function gapOf(group: RateGroup, c: Candidate): number | undefined {
  return group.gapFromSettings && typeof c.accountGapMs === 'number' && c.accountGapMs >= 0 ? c.accountGapMs : group.minGapMs;
}

/**
 * Picks which candidates (in priority order) may start now without breaking any limit, and the rate keys to
 * advance. `nowMs` is the database's clock. Also reports the earliest moment a gap-blocked candidate may start.
 */
export function pick(
  limits: Limits,
  candidates: readonly Candidate[],
  state: ClaimState,
  max: number,
  nowMs: number,
): { picked: Candidate[]; advance: Map<string, number>; wakeAt: number | null } {
  const picked: Candidate[] = [];
  const advance = new Map<string, number>();
  let wakeAt: number | null = null;
  const browser = new Set(limits.browserKinds);
  let browserRunning = 0;
  for (const k of browser) browserRunning += state.runningByKind.get(k) ?? 0;

  for (const c of candidates) {
    if (picked.length >= max) break;
    const kindCap = limits.concurrency[c.kind];
    const kindRunning = state.runningByKind.get(c.kind) ?? 0;
    if (kindCap !== undefined && kindRunning >= kindCap) continue;
    if (browser.has(c.kind) && browserRunning >= limits.browserSlots) continue;
    let blocked = false;
    const keys: [RateGroup, string][] = [];
    for (const g of limits.rateGroups) {
      if (!g.kinds.includes(c.kind)) continue;
      const key = rateKey(g, c);
      if (g.maxConcurrent !== undefined && (state.runningByKey.get(key) ?? 0) >= g.maxConcurrent) blocked = true;
      const next = state.nextAllowed.get(key) ?? 0;
      if (next > nowMs) {
        blocked = true;
        wakeAt = wakeAt === null ? next : Math.min(wakeAt, next);
      }
      keys.push([g, key]);
    }
    if (blocked) continue;
    picked.push(c);
    state.runningByKind.set(c.kind, kindRunning + 1);
    if (browser.has(c.kind)) browserRunning++;
    for (const [g, key] of keys) {
      state.runningByKey.set(key, (state.runningByKey.get(key) ?? 0) + 1);
      const gap = gapOf(g, c);
      if (gap) {
        state.nextAllowed.set(key, nowMs + gap);
        advance.set(key, nowMs + gap);
      }
    }
  }
  return { picked, advance, wakeAt };
}
