// The test run's scratch folder, made by global-setup.ts and removed at teardown.
// Fixtures cached for the whole run live here, shared by every worker.

export const RUN_DIR_ENV = 'LAYERBOX_TEST_RUN_DIR';

export function runDir(): string {
  const dir = process.env[RUN_DIR_ENV];
  if (!dir) throw new Error(`${RUN_DIR_ENV} is not set: run tests through vitest, whose global setup makes it`);
  return dir;
}
