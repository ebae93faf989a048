import { configDefaults, defineConfig } from 'vitest/config';

// Two projects: fast in-process tests, and tests that drive real peers (dockerd, podman,
// buildah, skopeo, umoci, crun, a registry) or real namespaces, which get one shared
// dockerd from the global setup and long timeouts. tests/e2e belongs to Playwright.
const jsonReport = process.env.LAYERBOX_VITEST_JSON;
const systemTests = ['tests/integration/**/*.test.ts', 'tests/peers/**/*.test.ts', 'tests/compare/compare.test.ts'];

export default defineConfig({
  test: {
    // The machine has 2 cores shared with other work.
    maxWorkers: 2,
    teardownTimeout: 60_000,
    // .ci/run asks for a JSON report (LAYERBOX_VITEST_JSON) to print a plain
    // "N passed, N failed" closing line.
    ...(jsonReport ? { reporters: ['default', 'json'], outputFile: { json: jsonReport } } : {}),
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'tests/e2e/**', ...systemTests],
        },
      },
      {
        extends: true,
        test: {
          name: 'system',
          include: systemTests,
          globalSetup: ['tests/harness/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
