import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'automation',
    include: ['test/**/*.test.ts'],
  },
});
