import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // End-to-end files each start real Claude Code processes. The suite is
    // CPU-bound on two cores (its processes use about twice the wall time in
    // CPU), so more files at a time do not make it faster, only make
    // timing-sensitive files flakier (see docs/development.md).
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          include: ['test/unit/**/*.test.ts', 'test/inmemory/**/*.test.ts'],
          // No process, port or global state: the files share their workers'
          // modules instead of importing them again each (half the tier's time).
          isolate: false,
          // What one file changes for its tests must not reach the next file in the worker.
          unstubEnvs: true,
          unstubGlobals: true,
          restoreMocks: true,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/clients/**/*.test.ts'],
          // Each file starts its own bridge, fake upstream and processes, and
          // ends them all before the next (the stack's close checks it); what
          // the files can share is the modules they import: loading them again
          // for every file cost each file about 1.4 CPU-seconds.
          isolate: false,
          unstubEnvs: true,
          unstubGlobals: true,
          restoreMocks: true,
        },
      },
    ],
  },
});
