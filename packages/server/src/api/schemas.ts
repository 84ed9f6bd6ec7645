// Input schemas of every API procedure, shared with the web client (import them for forms; they hold no server
// code: zod and @regbatch/machines only). The server validates with exactly these, so a form and the API agree.
import { z } from 'zod';
import { BATCH_STATUSES, EXECUTION_MODES, JOB_STATUSES, STEP_NUMBERS, SUB_STEP_KEYS } from '@regbatch/machines';
import type { StepNumber } from '@regbatch/machines';

export const uuid = z.string().uuid({ error: (issue) => `${JSON.stringify(issue.input)} is not an id (uuid)` });

export const pageInput = {
  limit: z.number().int().min(1).max(500).default(50),
  offset: z.number().int().min(0).default(0),
};

/** Batch list tabs: the seed's statuses, or groups the UI shows (active, finished, needs attention). */
export const BATCH_LIST_FILTERS = ['all', 'active', 'draft', 'finished', 'needs_attention', ...BATCH_STATUSES] as const;
export type BatchListFilter = (typeof BATCH_LIST_FILTERS)[number];

export const batchesListInput = z.object({
  status: z.enum(BATCH_LIST_FILTERS).default('all'),
  search: z.string().trim().max(200).optional(),
  sort: z.enum(['created_at', 'name', 'total_restaurants', 'current_step']).default('created_at'),
  direction: z.enum(['asc', 'desc']).default('desc'),
  ...pageInput,
}).prefault({});

export const batchIdInput = z.object({ batchId: uuid });

export const autoPoliciesInput = z.object({
  /** confident: step 3 selects the confident candidate; never: a person decides. */
  select: z.enum(['confident', 'never']).default('never'),
  /** defaults: step 5 submits the proposed configuration; never: a person submits. */
  config: z.enum(['defaults', 'never']).default('never'),
});

export const batchesCreateInput = z.object({
  name: z.string().trim().min(1, { error: 'a batch needs a name' }).max(200),
  restaurantIds: z.array(uuid).min(1, { error: 'choose at least one restaurant' }).max(20_000),
  mode: z.enum(EXECUTION_MODES).default('parallel'),
  /** Saved for later (draft) instead of ready to start (pending). */
  draft: z.boolean().default(false),
  /** A configuration every job proposes at step 5 instead of the derived defaults (validated at submission). */
  defaultConfig: z.record(z.string(), z.unknown()).optional(),
  autoPolicies: autoPoliciesInput.optional(),
  /** Start right after creating (not with draft). */
  start: z.boolean().default(false),
  /** Super admins only: the organisation to create the batch in. */
  organisationId: uuid.optional(),
});

export const batchRestaurantsInput = z.object({ batchId: uuid, restaurantIds: z.array(uuid).min(1).max(20_000) });
export const batchJobsInput = z.object({ batchId: uuid, jobIds: z.array(uuid).min(1).max(20_000) });
export const batchCancelInput = z.object({ batchId: uuid, reason: z.string().trim().max(500).optional() });

export const jobsListInput = z.object({
  batchId: uuid,
  status: z.enum(JOB_STATUSES).optional(),
  step: z.number().int().min(1).max(6).optional(),
  search: z.string().trim().max(200).optional(),
  ...pageInput,
});

export const jobIdInput = z.object({ jobId: uuid });
export const jobCancelInput = z.object({ jobId: uuid, reason: z.string().trim().max(500).optional() });
export const retryStepInput = z.object({
  jobId: uuid,
  step: z
    .number()
    .int()
    .refine((n): n is StepNumber => (STEP_NUMBERS as readonly number[]).includes(n), { error: (issue) => `step ${String(issue.input)} is not one of 1..6` }),
});
export const searchQueryEdit = z.object({
  restaurant_name: z.string().trim().min(1).max(200).optional(),
  street: z.string().trim().max(200).optional(),
  city: z.string().trim().max(100).optional(),
});
export const retrySearchInput = z.object({ jobId: uuid, query: searchQueryEdit.default({}) });
export const subStepInput = z.object({ jobId: uuid, key: z.enum(SUB_STEP_KEYS) });
export const skipSubStepInput = subStepInput.extend({ reason: z.string().trim().max(500).optional() });

export const restaurantsListInput = z.object({
  search: z.string().trim().max(200).optional(),
  /** Only restaurants not in any unfinished batch. */
  availableOnly: z.boolean().default(false),
  ...pageInput,
}).prefault({});

export const REVIEW_KINDS = ['search', 'company', 'config'] as const;
export type ReviewKind = (typeof REVIEW_KINDS)[number];
export const reviewsListInput = z.object({
  kind: z.enum(REVIEW_KINDS).optional(),
  batchId: uuid.optional(),
  ...pageInput,
}).prefault({});

export const companySelection = z.object({ jobId: uuid, companyNumber: z.string().trim().min(1).max(40) });
export const selectCompanyInput = z.object({ selections: z.array(companySelection).min(1).max(5_000) });
export const noMatchInput = z.object({ jobIds: z.array(uuid).min(1).max(5_000) });
export const manualEntry = z.object({
  contact_name: z.string().trim().min(1, { error: 'a contact name is required' }).max(200),
  full_legal_name: z.string().trim().max(200).nullish(),
  contact_email: z.string().trim().max(320).nullish(),
  contact_phone: z.string().trim().max(40).nullish(),
  company_name: z.string().trim().max(200).nullish(),
  company_number: z.string().trim().max(40).nullish(),
  gst_number: z.string().trim().max(40).nullish(),
  nzbn: z.string().trim().max(20).nullish(),
});
export const manualEntryInput = z.object({ entries: z.array(z.object({ jobId: uuid, entry: manualEntry })).min(1).max(5_000) });
/**
 * A configuration per job; validated against the shared ExecutionConfigSchema on the server (field errors name
 * `configs.<i>.config.<field>`). A password left out keeps the one step 5 proposed.
 */
export const submitConfigInput = z.object({
  configs: z.array(z.object({ jobId: uuid, config: z.record(z.string(), z.unknown()) })).min(1).max(5_000),
});

/** Every per-organisation setting (DESIGN §5). Secrets are write-only: a string sets, null clears, absent keeps. */
export const SETTINGS_SECRET_KEYS = ['managePassword', 'integratorSecret', 'verificationCode', 'onboardingKey', 'nzbnApiKey', 'cdnSecret'] as const;
export type SettingsSecretKey = (typeof SETTINGS_SECRET_KEYS)[number];

const url = z
  .string()
  .trim()
  .refine((v) => /^https?:\/\//i.test(v) && URL.canParse(v), { error: (issue) => `${JSON.stringify(issue.input)} is not an http(s) URL` });
const secretInput = z.string().min(1, { error: 'must not be empty (send null to clear)' }).max(4_000).nullable().optional();

export const settingsValues = z.object({
  target: z.enum(['sandbox', 'production']),
  adminUrl: url.nullable(),
  manageUrl: url.nullable(),
  manageEmail: z.string().trim().max(320).nullable(),
  apiUrl: url.nullable(),
  integratorId: z.string().trim().max(200).nullable(),
  onboardingUrl: url.nullable(),
  cdnUrl: url.nullable(),
  cdnPublicKey: z.string().trim().max(500).nullable(),
  nzbnApiUrl: url.nullable(),
  registerUrl: url.nullable(),
  accountGapMs: z.number().int().min(0).max(3_600_000),
  artifactRetentionDays: z.number().int().min(1).max(3650),
});
export type SettingsValues = z.infer<typeof settingsValues>;

export const settingsUpdateInput = settingsValues.partial().extend(
  Object.fromEntries(SETTINGS_SECRET_KEYS.map((k) => [k, secretInput])) as Record<SettingsSecretKey, typeof secretInput>,
);

export const devLoginInput = z.object({ email: z.string().trim().toLowerCase().email() });

export const subscriptionInput = {
  /** The cursor of the last message received (sent by httpSubscriptionLink on reconnect). */
  lastEventId: z.string().nullish(),
};
export const batchStreamInput = z.object({ batchId: uuid, ...subscriptionInput });
export const jobStreamInput = z.object({ jobId: uuid, ...subscriptionInput });
export const listStreamInput = z.object({ ...subscriptionInput }).prefault({});

export const leadsImportInput = z.object({
  /** A leads CSV on the server's disk (the CLI); uploads go through POST /api/leads/import. */
  path: z.string().min(1),
  dryRun: z.boolean().default(false),
});
