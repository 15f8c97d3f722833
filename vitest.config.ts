import { defineConfig } from 'vitest/config';

// One suite, two stores: PGlite always; the real PostgreSQL server as well when
// TEST_DATABASE_URL is set (test/support/store.ts picks by that variable).
export default defineConfig({
  test: {
    include: [
      'core/**/*.test.ts',
      'etl/**/*.test.ts',
      'api/src/**/*.test.ts',
      'fixtures/**/*.test.ts',
      'test/**/*.test.ts',
      'dashboard/src/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    exclude: ['test/e2e/**', 'node_modules/**', 'dist/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
