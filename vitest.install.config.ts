import { defineConfig } from 'vitest/config';

// Install tests: build the npm tarball and the offline bundle (npm run bundle, before vitest),
// install each the way a user does and run it against a real sshd and a fake Ironic.
// One file at a time: an install compiles better-sqlite3 and the machine has few cores.
export default defineConfig({
  test: {
    include: ['test/install/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 600_000,
  },
});
