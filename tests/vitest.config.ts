// Cross-package suites (integration: engine + real handlers + sandbox + Chromium). The same DB harness as
// packages/server: one PostgreSQL (embedded, or TEST_DATABASE_URL) and one migrated template per run, cloned per file.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'tests',
    include: ['integration/**/*.test.ts'],
    globalSetup: ['../packages/server/src/testing/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
