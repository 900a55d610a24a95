import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end files spend most of their time waiting on Claude Code
    // processes and the fake upstream, not computing: three files at a time
    // keep two cores busy (measured: see docs/development.md).
    maxWorkers: 3,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
