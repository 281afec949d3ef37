import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The default reporter, plus a closing `N passed, N failed` line that CI logs can read.
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    testTimeout: 30_000,
  },
});
