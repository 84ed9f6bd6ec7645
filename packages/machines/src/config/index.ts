// Configuration rules: shared field schemas, opening hours, and the ExecutionConfig schema with its conversions.
export * from './fields';
export * from './executionConfig';
