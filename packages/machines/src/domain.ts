// The seed's vocabulary (seed/registration-batch-schema.md): statuses, steps, sub-steps and task kinds.
// Every package spells these through here so a typo is a type error, not a silent mismatch.

export const BATCH_STATUSES = ['draft', 'pending', 'in_progress', 'completed', 'failed', 'cancelled'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

export const EXECUTION_MODES = ['sequential', 'parallel'] as const;
export type ExecutionMode = (typeof EXECUTION_MODES)[number];

export const JOB_STATUSES = ['pending', 'in_progress', 'completed', 'failed', 'cancelled', 'skipped'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const STEP_STATUSES = [
  'pending',
  'in_progress',
  'action_required',
  'completed',
  'failed',
  'skipped',
  'retrying',
] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export const STEP_TYPES = ['automatic', 'action_required'] as const;
export type StepType = (typeof STEP_TYPES)[number];

export const SEARCH_STATUSES = ['pending', 'searching', 'awaiting_selection', 'selected', 'no_match', 'failed'] as const;
export type SearchStatus = (typeof SEARCH_STATUSES)[number];

export const STEP_NUMBERS = [1, 2, 3, 4, 5, 6] as const;
export type StepNumber = (typeof STEP_NUMBERS)[number];

export interface StepDefinition {
  readonly number: StepNumber;
  readonly name: string;
  readonly type: StepType;
  readonly description: string;
}

/** The seed's step table, verbatim. */
export const STEPS: readonly StepDefinition[] = [
  { number: 1, name: 'Menu & Branding Extraction', type: 'automatic', description: 'Track extraction job completion' },
  { number: 2, name: 'Contact Details Search', type: 'automatic', description: 'Run Companies Office search' },
  { number: 3, name: 'Company Selection', type: 'action_required', description: 'User selects correct company' },
  { number: 4, name: 'Company Details Extraction', type: 'automatic', description: 'Extract and save company details' },
  { number: 5, name: 'Yolo Mode Configuration', type: 'action_required', description: 'User configures settings' },
  { number: 6, name: 'Pumpd Account Setup', type: 'automatic', description: 'Execute 12 yolo mode sub-steps' },
];

/** The twelve Yolo sub-steps, in the order the seed's sub_step_progress lists them. */
export const SUB_STEP_KEYS = [
  'cloudwaitressAccount',
  'codeGeneration',
  'createOnboardingUser',
  'uploadImages',
  'restaurantRegistration',
  'websiteConfig',
  'servicesConfig',
  'paymentConfig',
  'menuImport',
  'syncOnboardingUser',
  'optionSets',
  'itemTags',
] as const;
export type SubStepKey = (typeof SUB_STEP_KEYS)[number];

export const PHASE_KEYS = ['phase1', 'phase2', 'phase3', 'phase4'] as const;
export type PhaseKey = (typeof PHASE_KEYS)[number];

/** Task kinds the machines request through the runTask effect (DESIGN §3). */
export const STEP_TASK_KINDS = [
  'extraction.run',
  'registry.searchByName',
  'registry.searchByAddress',
  'company.details',
] as const;
export const TASK_KINDS = [...STEP_TASK_KINDS, ...SUB_STEP_KEYS, 'deliver'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export function isSubStepKey(value: string): value is SubStepKey {
  return (SUB_STEP_KEYS as readonly string[]).includes(value);
}
