/** Vitest configuration for `npm run test:slurm` alone: the real-Slurm test, kept out of `npm test`. */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('../../', import.meta.url).pathname,
    include: ['test/slurm/**/*.slurm.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    // Each test named (a skip names its reason), and a JSON report that .ci/run adds to its closing line.
    reporters: ['verbose', 'json'],
    outputFile: { json: 'test-output/slurm.json' },
  },
});
