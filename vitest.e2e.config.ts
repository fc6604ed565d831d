import { defineConfig } from 'vitest/config';

// End-to-end tests against the real multi-conductor Ironic lab (test/e2e/lab). A lab with
// graphical consoles (CDLAB_GRAPHICAL=yes) runs their suite; any other lab the serial one.
const graphical = process.env.CDLAB_GRAPHICAL === 'yes';

export default defineConfig({
  test: {
    include: [graphical ? 'test/e2e/graphical.test.ts' : 'test/e2e/scenarios.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 900_000,
  },
});
