// YOLO_PLAN: step 6's twelve sub-steps as data (phase, needs, after, lock, enabledWhen), and the pure rules that read
// it: when a sub-step may start, when it is skipped and why, and the phase status the original's calculatePhaseStatus gave.
import { PHASE_KEYS, SUB_STEP_KEYS, type PhaseKey, type SubStepKey } from './domain';

export type StepsEnabledView = Partial<Record<SubStepKey, boolean>>;

export interface YoloPlanEntry {
  key: SubStepKey;
  label: string;
  phase: PhaseKey;
  /** Success required, output consumed. A failed or skipped need skips this sub-step ("blocked by X" / "X skipped"). */
  needs: readonly SubStepKey[];
  /** Ordering only: satisfied when X succeeded, or was skipped because disabled (or by an operator). A failed X blocks. */
  after: readonly SubStepKey[];
  /** Sub-steps sharing a lock never run at the same time. */
  lock: 'menu' | null;
  /** Reads only execution_config.steps_enabled (the normaliser folds every other flag into it). */
  enabledWhen: (stepsEnabled: StepsEnabledView) => boolean;
  /** Why the rule exists, for the web client and the README. */
  why: string;
}

const enabledFlag =
  (key: SubStepKey) =>
  (stepsEnabled: StepsEnabledView): boolean =>
    stepsEnabled[key] !== false;

/** The default plan, following what the original executed (reference §1.2) minus its phase barriers. */
export const YOLO_PLAN: readonly YoloPlanEntry[] = [
  {
    key: 'cloudwaitressAccount',
    label: 'Account Registration',
    phase: 'phase1',
    needs: [],
    after: [],
    lock: null,
    enabledWhen: enabledFlag('cloudwaitressAccount'),
    why: 'Creates the platform account; an existing account means this is disabled.',
  },
  {
    key: 'codeGeneration',
    label: 'Code Generation',
    phase: 'phase1',
    needs: [],
    after: [],
    lock: null,
    enabledWhen: enabledFlag('codeGeneration'),
    why: 'Generates the ordering-page head/body code injections.',
  },
  {
    key: 'createOnboardingUser',
    label: 'Onboarding User',
    phase: 'phase1',
    needs: [],
    after: [],
    lock: null,
    enabledWhen: enabledFlag('createOnboardingUser'),
    why: 'Creates the onboarding user on the manage site.',
  },
  {
    key: 'uploadImages',
    label: 'Image Upload',
    phase: 'phase1',
    needs: [],
    after: [],
    lock: null,
    enabledWhen: enabledFlag('uploadImages'),
    why: 'Puts the menu images on the CDN.',
  },
  {
    key: 'restaurantRegistration',
    label: 'Restaurant Registration',
    phase: 'phase2',
    needs: [],
    after: ['cloudwaitressAccount'],
    lock: null,
    enabledWhen: enabledFlag('restaurantRegistration'),
    why: 'Registers the restaurant on the account; waits for account creation unless that is disabled.',
  },
  {
    key: 'websiteConfig',
    label: 'Website Configuration',
    phase: 'phase2',
    needs: ['restaurantRegistration'],
    after: ['codeGeneration'],
    lock: null,
    enabledWhen: enabledFlag('websiteConfig'),
    why: 'Without generated code it configures everything but the custom code.',
  },
  {
    key: 'servicesConfig',
    label: 'Services Configuration',
    phase: 'phase2',
    needs: ['restaurantRegistration'],
    after: [],
    lock: null,
    enabledWhen: enabledFlag('servicesConfig'),
    why: 'Configures pickup/delivery services of the registered restaurant.',
  },
  {
    key: 'paymentConfig',
    label: 'Payment Configuration',
    phase: 'phase2',
    needs: ['restaurantRegistration'],
    after: [],
    lock: null,
    enabledWhen: enabledFlag('paymentConfig'),
    why: 'Sets up Stripe payments of the registered restaurant.',
  },
  {
    key: 'menuImport',
    label: 'Menu Import',
    phase: 'phase2',
    needs: ['restaurantRegistration'],
    after: ['uploadImages'],
    lock: 'menu',
    enabledWhen: enabledFlag('menuImport'),
    why: 'Images must be on the CDN before the CSV references them.',
  },
  {
    key: 'syncOnboardingUser',
    label: 'Onboarding Sync',
    phase: 'phase2',
    needs: ['restaurantRegistration', 'createOnboardingUser'],
    after: [],
    lock: null,
    enabledWhen: enabledFlag('syncOnboardingUser'),
    why: 'Copies the platform ids into the onboarding record of the created user.',
  },
  {
    key: 'optionSets',
    label: 'Option Sets',
    phase: 'phase3',
    needs: ['menuImport'],
    after: [],
    lock: 'menu',
    enabledWhen: enabledFlag('optionSets'),
    why: 'Adds option sets to the imported menu.',
  },
  {
    key: 'itemTags',
    label: 'Item Tags',
    phase: 'phase4',
    needs: ['menuImport'],
    after: [],
    lock: 'menu',
    enabledWhen: enabledFlag('itemTags'),
    why: 'Tags the imported menu items.',
  },
];

export const PHASES: Readonly<Record<PhaseKey, { description: string }>> = {
  phase1: { description: 'Initial parallel operations' },
  phase2: { description: 'Configuration (parallel after phase1)' },
  phase3: { description: 'Menu setup (after menuImport)' },
  phase4: { description: 'Finalization (after menuImport)' },
};

export const PLAN_BY_KEY: Readonly<Record<SubStepKey, YoloPlanEntry>> = Object.fromEntries(
  YOLO_PLAN.map((entry) => [entry.key, entry]),
) as Record<SubStepKey, YoloPlanEntry>;

/** Sub-steps keyed by phase, in plan order. */
export const SUB_STEPS_BY_PHASE: Readonly<Record<PhaseKey, readonly SubStepKey[]>> = Object.fromEntries(
  PHASE_KEYS.map((phase) => [phase, YOLO_PLAN.filter((e) => e.phase === phase).map((e) => e.key)]),
) as unknown as Record<PhaseKey, readonly SubStepKey[]>;

// ---- evaluation over a view of the sub-steps ----

export type SubStepStatus = 'pending' | 'running' | 'retrying' | 'succeeded' | 'failed' | 'skipped';
/** disabled = enabledWhen false; blocked = a need/after failed or was skipped; manual = an operator skipped it. */
export type SkipKind = 'disabled' | 'blocked' | 'manual';

export interface SubStepView {
  status: SubStepStatus;
  skipKind: SkipKind | null;
}
export type PlanView = Readonly<Record<SubStepKey, SubStepView>>;

export type Readiness =
  | { kind: 'disabled'; reason: string }
  | { kind: 'blocked'; reason: string }
  | { kind: 'waiting' }
  | { kind: 'ready' };

export const DISABLED_REASON = 'Disabled in config';

/** Where `key` stands with respect to its switch, needs and afters (the lock is separate: see canStart). */
export function readiness(key: SubStepKey, view: PlanView, stepsEnabled: StepsEnabledView): Readiness {
  const entry = PLAN_BY_KEY[key];
  if (!entry.enabledWhen(stepsEnabled)) return { kind: 'disabled', reason: DISABLED_REASON };
  let waiting = false;
  for (const need of entry.needs) {
    const s = view[need];
    if (s.status === 'failed') return { kind: 'blocked', reason: `blocked by ${need}` };
    if (s.status === 'skipped') return { kind: 'blocked', reason: `${need} skipped` };
    if (s.status !== 'succeeded') waiting = true;
  }
  for (const after of entry.after) {
    const s = view[after];
    if (s.status === 'failed') return { kind: 'blocked', reason: `blocked by ${after}` };
    if (s.status === 'skipped' && s.skipKind === 'blocked') return { kind: 'blocked', reason: `${after} skipped` };
    if (s.status !== 'succeeded' && s.status !== 'skipped') waiting = true;
  }
  return waiting ? { kind: 'waiting' } : { kind: 'ready' };
}

export function holdsLock(view: SubStepView): boolean {
  return view.status === 'running' || view.status === 'retrying';
}

/**
 * A pending sub-step starts when it is ready and its lock is free. Several pending holders of one lock can become
 * ready in the same instant (optionSets and itemTags when menuImport succeeds); the earlier one in plan order wins,
 * so the rule stays exclusive even though all regions are evaluated against the same snapshot.
 */
export function canStart(key: SubStepKey, view: PlanView, stepsEnabled: StepsEnabledView): boolean {
  if (view[key].status !== 'pending') return false;
  if (readiness(key, view, stepsEnabled).kind !== 'ready') return false;
  const lock = PLAN_BY_KEY[key].lock;
  if (lock === null) return true;
  for (const other of YOLO_PLAN) {
    if (other.lock !== lock || other.key === key) continue;
    if (holdsLock(view[other.key])) return false;
  }
  for (const other of YOLO_PLAN) {
    if (other.key === key) break;
    if (other.lock !== lock) continue;
    if (view[other.key].status === 'pending' && readiness(other.key, view, stepsEnabled).kind === 'ready') return false;
  }
  return true;
}

/** True when every need of `key` succeeded (substep.markDone is refused otherwise). */
export function needsMet(key: SubStepKey, view: PlanView): boolean {
  return PLAN_BY_KEY[key].needs.every((need) => view[need].status === 'succeeded');
}

/** No sub-step is pending, running or retrying. */
export function isSettled(view: PlanView): boolean {
  return SUB_STEP_KEYS.every((key) => {
    const s = view[key].status;
    return s === 'succeeded' || s === 'failed' || s === 'skipped';
  });
}

export function hasFailure(view: PlanView): boolean {
  return SUB_STEP_KEYS.some((key) => view[key].status === 'failed');
}

export type PhaseStatus = 'pending' | 'in_progress' | 'completed' | 'failed';
/** Seed status words for a sub-step inside sub_step_progress. */
export type SeedSubStepStatus = 'pending' | 'in_progress' | 'retrying' | 'completed' | 'failed' | 'skipped';

export function seedSubStepStatus(status: SubStepStatus): SeedSubStepStatus {
  switch (status) {
    case 'running':
      return 'in_progress';
    case 'succeeded':
      return 'completed';
    default:
      return status;
  }
}

/** The original's calculatePhaseStatus, rule for rule and in its order (reference §1.8). */
export function calculatePhaseStatus(statuses: readonly SeedSubStepStatus[]): PhaseStatus {
  if (statuses.some((s) => s === 'in_progress' || s === 'retrying')) return 'in_progress';
  if (statuses.every((s) => s === 'completed' || s === 'skipped')) return 'completed';
  if (statuses.some((s) => s === 'failed')) return 'failed';
  if (statuses.every((s) => s === 'pending')) return 'pending';
  return 'in_progress';
}

/** First phase that is not completed, or 'completed' (the original's current_phase). */
export function currentPhase(phaseStatuses: Readonly<Record<PhaseKey, PhaseStatus>>): PhaseKey | 'completed' {
  for (const phase of PHASE_KEYS) if (phaseStatuses[phase] !== 'completed') return phase;
  return 'completed';
}

/** Sub-steps that list `key` as a need or an after: what a failure or skip of `key` can block. */
export function dependentsOf(key: SubStepKey): SubStepKey[] {
  return YOLO_PLAN.filter((e) => e.needs.includes(key) || e.after.includes(key)).map((e) => e.key);
}

/** The plan as JSON (enabledWhen shown as the one switch it reads), for the web client. */
export function planAsJson(): Array<Omit<YoloPlanEntry, 'enabledWhen'> & { enabledWhen: string }> {
  return YOLO_PLAN.map(({ enabledWhen: _e, ...rest }) => ({
    ...rest,
    needs: [...rest.needs],
    after: [...rest.after],
    enabledWhen: `execution_config.steps_enabled.${rest.key} !== false`,
  }));
}
