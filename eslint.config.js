// Lint rules, including the package boundaries of DESIGN §2: the machines stay pure and browser-safe,
// and the web client may import the server only as types.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.regbatch/**', 'bench-results/**', '**/test-results/**', '**/playwright-report/**', 'coverage/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['packages/machines/src/**/*.ts'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'packages/machines is pure: no Node built-ins.' })),
          patterns: [
            { group: ['pg', 'pg-*', 'kysely', 'kysely/*', 'postgres', '@supabase/*'], message: 'packages/machines does no I/O.' },
            { group: ['@regbatch/server', '@regbatch/automation', '@regbatch/web'], message: 'packages/machines depends on nothing of ours.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'packages/machines does no I/O: effects are data.' },
        { name: 'process', message: 'packages/machines reads no environment.' },
        { name: 'setTimeout', message: 'packages/machines has no timers: use the schedule effect.' },
        { name: 'setInterval', message: 'packages/machines has no timers: use the schedule effect.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Timestamps come from events, not a clock.' },
        { object: 'Math', property: 'random', message: 'Machines are deterministic: jitter is the host’s.' },
      ],
    },
  },
  {
    files: ['packages/machines/src/runLocal.ts'],
    rules: { 'no-restricted-globals': 'off', 'no-restricted-properties': 'off' },
  },
  {
    files: ['packages/web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@regbatch/server', '@regbatch/server/*'],
              allowTypeImports: true,
              message: 'The web client imports the server only as types (AppRouter).',
            },
          ],
        },
      ],
    },
  },
);
