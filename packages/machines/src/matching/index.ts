// Company matching: query building, normalisation, merging the two searches, scoring and the confidence rule.
export * from './types';
export * from './normalise';
export * from './queries';
export * from './merge';
export * from './score';
export * from './confident';
