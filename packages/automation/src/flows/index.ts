// The twelve sub-step flows, keyed by the seed's sub-step keys, plus their context, errors and helpers.
import type { SubStepKey } from '@regbatch/machines';
import { cloudwaitressAccount } from './cloudwaitressAccount';
import { codeGeneration } from './codeGeneration';
import { createOnboardingUser } from './createOnboardingUser';
import { itemTags } from './itemTags';
import { menuImport } from './menuImport';
import { optionSets } from './optionSets';
import { paymentConfig } from './paymentConfig';
import { restaurantRegistration } from './restaurantRegistration';
import { servicesConfig } from './servicesConfig';
import { syncOnboardingUser } from './syncOnboardingUser';
import { uploadImages } from './uploadImages';
import { websiteConfig } from './websiteConfig';

export * from './context';
export * from './errors';
export { redact, redactTraceZip, secretVariants } from './runtime';
export * from './cloudwaitressAccount';
export * from './codeGeneration';
export * from './createOnboardingUser';
export * from './uploadImages';
export * from './restaurantRegistration';
export * from './websiteConfig';
export * from './servicesConfig';
export * from './paymentConfig';
export * from './menuImport';
export * from './syncOnboardingUser';
export * from './optionSets';
export * from './itemTags';

/** Which flows need a browser page (the rest use HTTP only). */
export const BROWSER_FLOWS: ReadonlySet<SubStepKey> = new Set<SubStepKey>([
  'codeGeneration', 'createOnboardingUser', 'restaurantRegistration', 'websiteConfig', 'servicesConfig', 'paymentConfig', 'menuImport', 'optionSets', 'itemTags',
]);

export const SUB_STEP_FLOWS = {
  cloudwaitressAccount,
  codeGeneration,
  createOnboardingUser,
  uploadImages,
  restaurantRegistration,
  websiteConfig,
  servicesConfig,
  paymentConfig,
  menuImport,
  syncOnboardingUser,
  optionSets,
  itemTags,
} as const satisfies Record<SubStepKey, unknown>;
export * from './inputs';
