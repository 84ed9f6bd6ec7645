// Public surface of @regbatch/automation: the sandbox, registry clients, company details, menu CSV,
// leads parsing, the browser pool and store-page extraction.
export * from './sandbox/server';
export * from './sandbox/faults';
export { loadRegistryFile, RegistryEntrySchema, RegistryFileSchema, type RegistryEntry } from './sandbox/registryData';
export * from './menu/model';
export * from './menu/price';
export * from './menu/clean';
export * from './menu/parse';
export * from './menu/export';
export * from './menu/optionSets';
export * from './registry/types';
export * from './registry/errors';
export { getJson, parseRetryAfter } from './registry/http';
export * from './registry/nzbnClient';
export { createCompaniesOfficeClient, addressKeyword, type CompaniesOfficeClient, type CompaniesOfficeClientOptions } from './registry/companiesOfficeClient';
export * from './registry/registryClient';
export * from './company/details';
export * from './company/names';
export * from './browser/pool';
export * from './extraction/storePage';
export * from './leads/parse';
export * from './sandbox/cli';
export * from './handlers/steps';
export * from './handlers/accountPassword';
// The portal's inspection client and the sandbox's own credentials: the demo points an organisation at the sandbox
// and verifies what the flows created through them.
export { createPortalClient, SANDBOX_PORTAL_DEFAULTS, type PortalClient } from './sandbox/portal';
// The twelve sub-step flows and their context/errors, for the worker's step-6 handler adapter (server work/handlers).
export * from './flows';
