// Benchmarks that need the API suites' harness (a real fastify + tRPC server over a cloned test database): run by
// their pnpm scripts only (`pnpm bench:scale`), never by `pnpm test`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'bench',
    root: import.meta.dirname,
    include: ['**/*.bench.test.ts'],
    globalSetup: ['../../packages/server/src/testing/globalSetup.ts'],
    testTimeout: 1_200_000,
    hookTimeout: 300_000,
  },
});
