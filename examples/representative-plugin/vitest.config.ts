import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Workspace packages resolve to their TypeScript sources, as in the
    // repository's own test configuration.
    conditions: ['@fixclust/source'],
  },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    pool: 'forks',
  },
});
