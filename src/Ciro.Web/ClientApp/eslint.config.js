// Lint for the dashboard, run by `npm run lint` and scripts/test.sh (a lint error fails the test run).
// Import rules keep bulletproof-react's direction: shared code (components, config, hooks, lib, testing, types,
// utils) → features → app. A feature never imports another feature; app/ is where features meet.
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const features = readdirSync(new URL('./src/features', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const shared = ['components', 'config', 'hooks', 'lib', 'testing', 'types', 'utils'].map((folder) => `./src/${folder}`);

export default defineConfig([
  globalIgnores(['dist', 'coverage', 'node_modules']),
  {
    files: ['src/**/*.{ts,tsx}'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked, reactHooks.configs.flat.recommended],
    languageOptions: {
      globals: globals.browser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.app.json' })],
    },
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...features.map((feature) => ({
              target: `./src/features/${feature}`,
              from: './src/features',
              except: [`./${feature}`],
              message: 'Features do not import each other: compose them in src/app.',
            })),
            { target: './src/features', from: './src/app', message: 'Code flows shared → features → app.' },
            { target: shared, from: ['./src/features', './src/app'], message: 'Shared code imports no feature and no app code.' },
          ],
        },
      ],
      'import-x/no-duplicates': 'error',
      'import-x/no-cycle': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['*.{js,ts}', 'e2e/**/*.mjs', 'scripts/**/*.mjs'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { globals: globals.node },
  },
  {
    // Callbacks passed to page.evaluate run in the browser.
    files: ['e2e/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    // Generated from the services' OpenAPI documents (npm run gen:api): a free-form JSON field (System.Text.Json's
    // JsonElement) is `unknown` there, so a nullable one reads `null | unknown`.
    files: ['src/types/*-api.ts'],
    rules: { '@typescript-eslint/no-redundant-type-constituents': 'off' },
  },
]);
