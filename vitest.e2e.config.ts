import { defineConfig } from 'vitest/config';

// End-to-end: the real server on the demo data, driven in headless Chromium (`npm run e2e`).
// Separate from vitest.config.ts so `npm test` stays browser-free.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 240_000,
    fileParallelism: false,
    // A page on a busy 2-core machine may take seconds to settle: a poll that gives up after
    // vitest's default second fails a view that is merely slow (seen on the traders' phone test).
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
  },
});
