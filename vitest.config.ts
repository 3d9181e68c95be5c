import { defineConfig } from 'vitest/config';

// Three suites: fast unit tests, time-skipping workflow tests, and end-to-end runs on real servers.
export default defineConfig({
  test: {
    // Runs once for the whole run, whatever the projects: a PostgreSQL server for the store.
    globalSetup: ['test/support/postgres-global-setup.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/workflows/**', 'test/e2e/**'],
        },
      },
      {
        test: {
          name: 'workflow',
          include: ['test/workflows/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
