// Lint rules that catch the mistakes that hurt a Temporal service most: a promise nobody awaits
// (a lost publish, a timer left behind) and I/O leaking into the deterministic workflow sandbox.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no logger, no Kafka.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, 'pino', 'kafkajs', 'fastify'].map((name) => ({
            name,
            message: 'Workflow code runs in the deterministic sandbox; do I/O in an activity.',
          })),
          patterns: [{ group: ['**/activities/*', '!**/activities/types'], allowTypeImports: true, message: 'Import activities as types only.' }],
        },
      ],
    },
  },
  {
    // The store imports domain/ only (DESIGN §8), so clients and workers can both depend on it.
    files: ['store/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: ['workflows', 'activities', 'workers', 'clients', 'infra', 'config'].map((dir) => ({
            group: [`**/${dir}/*`, `../${dir}`],
            message: 'store/ imports domain/ only (and its database drivers).',
          })),
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
