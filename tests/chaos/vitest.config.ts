// The chaos suite (issue 9): its own run (`pnpm test:chaos`, called by .ci/run after the README's test command), not
// part of `pnpm test`. Same DB harness as the other cross-package suites (embedded PostgreSQL or TEST_DATABASE_URL).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'chaos',
    root: import.meta.dirname,
    include: ['**/*.test.ts'],
    globalSetup: ['../../packages/server/src/testing/globalSetup.ts'],
    // CHAOS_DEADLINE_S (2600 s by default) plus the checks after the batch settles.
    testTimeout: Number(process.env['CHAOS_DEADLINE_S'] ?? 2600) * 1000 + 180_000,
    hookTimeout: 120_000,
  },
});
