import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Browser and child-process tests each start servers; two cores do not gain from more forks.
    maxWorkers: 2,
  },
});
