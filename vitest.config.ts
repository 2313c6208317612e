import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// vitest's default is one worker per core but one; on a 2-core machine that is a single file at a
// time while most of the suite waits on child processes and files. Two at least.
const workers = Math.max(2, availableParallelism() - 1);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    pool: 'forks',
    maxWorkers: workers,
    minWorkers: workers,
  },
});
