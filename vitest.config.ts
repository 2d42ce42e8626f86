import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The storefront's server modules import 'server-only' (Next refuses them in a client
  // bundle); outside Next it is the empty module Next itself resolves it to on the server.
  resolve: { alias: { 'server-only': 'next/dist/compiled/server-only/empty.js' } },
  test: {
    include: [
      '{shared,shared/domain,shared/contract,shared/testing,command-api,query-api,projections,infra}/src/**/*.test.ts',
      'pwa/tests/**/*.test.ts',
    ],
    globalSetup: ['./vitest.global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // expect.poll says something shows up eventually (a badge after a staff step, a projected
    // product); its 1 s default turned that into a latency assertion that a loaded 2-core
    // machine failed (seen: a step's re-read at load 10-15). Tests that promise a latency
    // measure it themselves; speed is the benchmarks' business.
    expect: { poll: { timeout: 10_000 } },
  },
});
