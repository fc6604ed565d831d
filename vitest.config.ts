import { defineConfig } from 'vitest/config';

// Unit and integration tests. Integration tests start real sshd, socat and
// shellinaboxd processes on loopback, so they run in forks, one file at a time per worker.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/adversarial/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
