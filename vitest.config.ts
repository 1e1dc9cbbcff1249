import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: {
    // graphql ships an ESM and a CommonJS build. Node (and so Yoga and Pothos) loads the
    // CommonJS one; Vite would hand our sources the ESM one, and `instanceof GraphQLError`
    // would then fail across the two copies. Pin one copy, as in production.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Most tests wait on Redis, PostgreSQL or HTTP rather than the CPU, so use at least
    // two workers even on a two-core machine (vitest's default would leave one).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // An embedded PGlite takes ~2 s to start on a small machine; hooks open databases.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
})
