// House rules (issue 18): typescript-eslint's and eslint-plugin-svelte's recommended sets, plus
// the layer rule: nothing imports upward (core/ ← api/, etl/, dashboard/). Formatting is
// Prettier's job (.prettierrc.json); `npm run lint` runs both checks.
import js from '@eslint/js';
import globals from 'globals';
import svelte from 'eslint-plugin-svelte';
import tseslint from 'typescript-eslint';

const noImport = (patterns, message) => ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      'node_modules/**',
      'bench/out/**',
      'data/**',
      'coverage/**',
      'dashboard/src/lib/api-types.ts',
      'core/postgres/database.generated.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_name` marks a value left out on purpose (destructuring a field away).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Input hygiene matches control characters on purpose (complaint.schema.ts, registry.dto.ts).
      'no-control-regex': 'off',
      // Prettier wraps code at 140; this holds comments to the same width (strings may run on).
      'max-len': ['error', { code: 140, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }],
      // {' '} between an {#if} block and text is how Svelte keeps a space there.
      'svelte/no-useless-mustaches': 'off',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { globals: { ...globals.browser }, parserOptions: { parser: tseslint.parser } },
  },
  { files: ['dashboard/src/**'], languageOptions: { globals: { ...globals.browser } } },
  // Tests read loosely typed JSON answers.
  { files: ['test/**', '**/*.test.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  // Layers point down.
  {
    files: ['core/**'],
    rules: {
      'no-restricted-imports': noImport(
        ['**/api/src/**', '**/etl/**', '**/dashboard/**'],
        'core/ is the kernel: it imports nothing above it',
      ),
    },
  },
  { files: ['etl/**'], rules: { 'no-restricted-imports': noImport(['**/api/src/**', '**/dashboard/**'], 'etl/ stands on core/ only') } },
  // api/src runs the ETL through its public entry and reads analytics only through analytics/.
  {
    files: ['api/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ regex: String.raw`^(\.\./){2,}etl/(?!index\.js$)`, message: 'api/src imports the ETL from etl/index.js' }],
        },
      ],
    },
  },
  {
    files: ['api/src/**'],
    ignores: ['api/src/analytics/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: String.raw`^(\.\./){2,}etl/(?!index\.js$)`, message: 'api/src imports the ETL from etl/index.js' },
            {
              regex: String.raw`(analytics/queries/|core/duckdb/duck-sql\.js$)`,
              message: 'api/src reads analytics through analytics/analytics.repository.ts',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['dashboard/src/**'],
    rules: {
      'no-restricted-imports': noImport(
        ['**/api/src/**', '**/etl/**'],
        'the dashboard imports core/ and its generated client, never server files',
      ),
    },
  },
);
