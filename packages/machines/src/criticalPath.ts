// Critical-path-first ordering of ready tasks (DESIGN §11). A task's priority is the work still ahead of it on the
// longest path to its job's end, its own duration included, in the seconds the original recorded per operation
// (reference §9). Workers claim by priority first, so when browser slots are the bottleneck a restaurant's long chain
// (registration, then menu import, then option sets) starts before a short leaf of another restaurant, and the
// batch's last restaurant finishes sooner. Human steps (3 and 5) are not work and count zero.
import type { SubStepKey } from './domain';
import { YOLO_PLAN } from './yoloPlan';

/** Seconds per task kind as recorded by the original (reference §9: the "Buzz" run; sets/tags from per-item figures). */
export const TYPICAL_TASK_SECONDS = {
  'extraction.run': 300, // premium extraction ≈ 5 min
  'registry.searchByName': 4, // ≥ 4 s render per register page
  'registry.searchByAddress': 4,
  'company.details': 4,
  uploadImages: 2.5,
  createOnboardingUser: 36.6,
  codeGeneration: 46.7,
  cloudwaitressAccount: 6.4,
  restaurantRegistration: 98.7,
  syncOnboardingUser: 34.3,
  menuImport: 88.2,
  paymentConfig: 80.8, // 161.5 s over 2 attempts
  websiteConfig: 263.1, // 526.2 s over 2 attempts
  servicesConfig: 60, // failed 3× in the recording; the low end of the 2-5 min per-script estimate
  optionSets: 300, // ≈ 10 sets × 30 s
  itemTags: 230, // 10 tags × 23 s
} as const satisfies Record<string, number>;

export type TimedTaskKind = keyof typeof TYPICAL_TASK_SECONDS;

/**
 * Seconds still ahead on the longest path from the start of each task kind to the job's end (its own duration
 * included), for the given durations. Step 6's order comes from YOLO_PLAN (needs and after); steps 1, 2 and 4 lead
 * into it one after another.
 */
export function remainingPathSeconds(seconds: Readonly<Record<TimedTaskKind, number>> = TYPICAL_TASK_SECONDS): Record<TimedTaskKind, number> {
  const successors = new Map<SubStepKey, SubStepKey[]>();
  for (const entry of YOLO_PLAN) {
    for (const before of [...entry.needs, ...entry.after]) successors.set(before, [...(successors.get(before) ?? []), entry.key]);
  }
  const descendants = (key: SubStepKey): Set<SubStepKey> => {
    const out = new Set<SubStepKey>();
    const visit = (k: SubStepKey) => (successors.get(k) ?? []).forEach((s) => !out.has(s) && (out.add(s), visit(s)));
    visit(key);
    return out;
  };
  // Sub-steps sharing a lock and unordered by the plan (optionSets and itemTags) run one after the other: each
  // has the other's work ahead of it.
  const lockPeers = (entry: (typeof YOLO_PLAN)[number]): SubStepKey[] =>
    entry.lock === null
      ? []
      : YOLO_PLAN.filter((o) => o.key !== entry.key && o.lock === entry.lock && !descendants(entry.key).has(o.key) && !descendants(o.key).has(entry.key)).map((o) => o.key);
  const memo = new Map<SubStepKey, number>();
  const fromSubStep = (key: SubStepKey): number => {
    const known = memo.get(key);
    if (known !== undefined) return known;
    const entry = YOLO_PLAN.find((e) => e.key === key)!;
    const peers = lockPeers(entry).reduce((sum, peer) => sum + seconds[peer], 0);
    const value = seconds[key] + peers + Math.max(0, ...(successors.get(key) ?? []).map(fromSubStep));
    memo.set(key, value);
    return value;
  };
  const step6 = Math.max(...YOLO_PLAN.map((e) => fromSubStep(e.key)));
  const details = seconds['company.details'] + step6;
  const search = Math.max(seconds['registry.searchByName'], seconds['registry.searchByAddress']) + details;
  const out = Object.fromEntries(YOLO_PLAN.map((e) => [e.key, fromSubStep(e.key)])) as Record<SubStepKey, number>;
  return {
    ...out,
    'company.details': details,
    'registry.searchByName': search,
    'registry.searchByAddress': search,
    'extraction.run': seconds['extraction.run'] + search,
  };
}

const PRIORITY_BY_KIND: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(remainingPathSeconds()).map(([kind, s]) => [kind, Math.round(s)]),
);

/** The claim priority of a new task of `kind` (higher first); 0 for the engine's own kinds (deliver, timer). */
export function taskPriority(kind: string): number {
  return PRIORITY_BY_KIND[kind] ?? 0;
}
