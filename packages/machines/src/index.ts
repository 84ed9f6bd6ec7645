// Public surface of @regbatch/machines: pure statecharts, domain rules and the projection onto the seed's rows.
export * from './domain';
