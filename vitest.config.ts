import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end files each start real Claude Code processes. The suite is
    // CPU-bound on two cores (its processes use about twice the wall time in
    // CPU), so more files at a time do not make it faster, only make
    // timing-sensitive files flakier (see docs/development.md).
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
