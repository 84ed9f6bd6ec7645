// The API's public surface: createServer(deps), the AppRouter type for the web client, shared input schemas.
export { createServer } from './server';
export type { ApiServer, ServerOptions } from './server';
export type { ApiDeps, Context } from './context';
export { appRouter } from './router';
export type { AppRouter } from './router';
export { createLiveHub } from './live';
export type { LiveHub } from './live';
export type { LeadsImporter, LeadsImportResult, LeadRowError } from './leads';
export { ApiError } from './errors';
export type { ErrorData, FieldErrors } from './errors';
export type { BatchSummary, BatchStreamMessage } from './routers/batches';
export type { JobStreamMessage } from './routers/jobs';
export { MASKED } from './mask';
export * as schemas from './schemas';
