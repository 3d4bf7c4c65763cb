import { defineConfig } from 'vitest/config';

/**
 * Test files that need a process of their own: they watch what a fresh process does first (the
 * reading analyser loads on the first reading, not at start), which a worker that ran another file
 * before has already done.
 */
const FRESH_PROCESS = ['tests/readings.test.ts'];

export default defineConfig({
  test: {
    // Builds the client once per run, so the browser tests need no separate build step.
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Browser and child-process tests each start servers; two cores do not gain from more forks.
    maxWorkers: 2,
    // The JSON report is what .ci/run counts; the default reporter is for people.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    // (The projects name their files: a project's include is added to the root's, not put in its place.)
    projects: [
      {
        // A new process per file cost 4-5 s between files on a quiet machine and 8-12 s under CI's
        // load, most of it importing the server again: 82 files took 1,414 s isolated and 882 s
        // sharing two workers. Every file starts and stops its own servers and databases, so
        // nothing but module state crosses from one file to the next.
        extends: true,
        test: { name: 'shared', include: ['tests/**/*.test.ts'], exclude: FRESH_PROCESS, isolate: false },
      },
      { extends: true, test: { name: 'fresh', include: FRESH_PROCESS, isolate: true } },
    ],
  },
});
