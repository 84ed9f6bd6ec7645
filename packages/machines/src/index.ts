// Public surface of @regbatch/machines: pure statecharts, domain rules and the projection onto the seed's rows.
export * from './domain';
export * from './restaurant';
export * from './config';
export * from './matching';
export * from './events';
export * from './yoloPlan';
export * from './criticalPath';
export * from './jobContext';
export { jobSetup, atOf, stamp, resultsOf, errorMessageOf, parseConfig, type JobStateConfig, type DecisionSource } from './jobSetup';
export * from './taskState';
export * from './jobMachine';
export * from './yoloMachine';
export * from './checkEvent';
export * from './versions';
export * from './batchMachine';
export * from './projection';
export * from './definitions';
export * from './runLocal';
