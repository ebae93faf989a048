// Helpers for tests and benchmarks that talk to the real peer tools (see
// /work/shared/PEERS.md). A missing tool throws: tests fail, they never skip.
export { run, childEnv, CommandError, type RunOptions, type RunResult } from './exec.ts';
export { findTool, hasTool, requireTool, DEBIAN_PACKAGE, DOCKER_CLIENT, BUSYBOX } from './tools.ts';
export { makeTempDir, removeTree } from './tmp.ts';
export {
  startDocker,
  dockerClient,
  dockerFromEnv,
  type Docker,
  type StartedDocker,
  type StartDockerOptions,
  type StorageDriver,
} from './docker.ts';
export { startPodman, type Podman } from './podman.ts';
export { startBuildah, BUILDAH_BUILD_FLAGS, type Buildah } from './buildah.ts';
export { skopeo } from './skopeo.ts';
export { umoci } from './umoci.ts';
export { startRegistry, freePort, type Registry } from './registry.ts';
export { writeRuntimeBundle, runBundle, runtimeArgv, type OciRuntime, type BundleOptions } from './oci-runtime.ts';
export { writeContainersConfig, type ContainersConfig } from './containers-config.ts';
export { runDir, RUN_DIR_ENV } from './run-dir.ts';
