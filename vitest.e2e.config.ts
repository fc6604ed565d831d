import { defineConfig } from 'vitest/config';

// End-to-end tests against the real multi-conductor Ironic lab (test/e2e/lab).
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 900_000,
  },
});
