// One vitest run over every package; each project keeps its own config and time budget.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/machines', 'packages/automation', 'packages/server', 'tests'],
  },
});
