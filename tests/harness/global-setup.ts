// Vitest global setup for the tests that talk to real peers: one private dockerd for the
// whole run (unless DOCKER_HOST already names one) and one scratch folder for cached
// fixtures. Both reach the test workers as environment variables (DOCKER_HOST,
// DOCKER_CONFIG, LAYERBOX_TEST_RUN_DIR) and through inject('dockerHost'), inject('runDir').
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startDocker } from './docker.ts';
import { RUN_DIR_ENV } from './run-dir.ts';
import { makeTempDir, removeTree } from './tmp.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dockerHost: string;
    runDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runDir = await makeTempDir('lbrun-');
  process.env[RUN_DIR_ENV] = runDir;
  let stopDocker = async () => {};
  if (!process.env.DOCKER_HOST) {
    const docker = await startDocker({ log: (m) => console.warn(m) });
    console.log(`dockerd ${docker.pid} ready in ${docker.startMs.toFixed(0)} ms (${docker.storageDriver}) at ${docker.host}`);
    process.env.DOCKER_HOST = docker.host;
    if (docker.configDir) process.env.DOCKER_CONFIG = docker.configDir;
    stopDocker = async () => {
      delete process.env.DOCKER_HOST;
      delete process.env.DOCKER_CONFIG;
      await docker.stop();
    };
  }
  project.provide('dockerHost', process.env.DOCKER_HOST!);
  project.provide('runDir', runDir);
  return async () => {
    await stopDocker();
    await removeTree(runDir);
    delete process.env[RUN_DIR_ENV];
  };
}
