import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Caps, not waits: every test waits for an event (a selector, a file, a process exit). On a busy 2-core
    // machine the whole suite once took 31 minutes, and a cap of 1 s on a poll or 120 s on a nightly
    // rehearsal failed tests that were only slow; the heaviest tests set a larger cap of their own.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    expect: { poll: { timeout: 60_000 } },
    pool: 'forks',
    // Two tiers: `unit` runs in-process code and single commands on small histories (npm run test:fast);
    // `e2e` builds sites, drives Chromium, runs real tools, packs perfsite and rehearses workflows.
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], globalSetup: ['tests/compile-once.ts'] } },
    ],
  },
});
