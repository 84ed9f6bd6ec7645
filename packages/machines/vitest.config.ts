import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'machines',
    include: ['test/**/*.test.ts'],
  },
});
