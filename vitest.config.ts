import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      '{shared,shared/domain,command-api,query-api,projections,infra}/src/**/*.test.ts',
      'pwa/tests/**/*.test.ts',
    ],
    globalSetup: ['./vitest.global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
