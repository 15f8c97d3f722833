import { defineConfig } from 'vitest/config';

// End-to-end: the real server on the demo data, driven in headless Chromium (`npm run e2e`).
// Separate from vitest.config.ts so `npm test` stays browser-free.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
