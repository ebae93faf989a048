// The busybox image in every interchange format the peers write, for loader tests.
// Each fixture is produced once per test run into the run folder (see run-dir.ts) and
// shared by all workers: producers write into a private folder and rename the result
// into place, so a reader never sees half a fixture and a lost race costs only time.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeBusyboxContext } from './busybox-image.ts';
import { dockerFromEnv } from './docker.ts';
import { startPodman, type Podman } from './podman.ts';
import { runDir } from './run-dir.ts';
import { skopeo } from './skopeo.ts';
import { removeTree } from './tmp.ts';

/** Name the fixture image carries in Docker, podman and the archives. */
export const FIXTURE_IMAGE = 'localhost/layerbox-fixture/busybox:latest';
/** Tag of the image inside the OCI layout (`oci:<dir>:<tag>`). */
export const FIXTURE_OCI_TAG = 'latest';

const produced = new Map<string, Promise<string>>();

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Path of fixture `name`, made by `produce(target)` on first use in this run. */
function cached(name: string, produce: (target: string) => Promise<void>): Promise<string> {
  let p = produced.get(name);
  if (!p) {
    p = (async () => {
      const root = join(runDir(), 'fixtures');
      const final = join(root, name);
      if (await exists(final)) return final;
      const scratch = join(root, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
      await mkdir(scratch, { recursive: true });
      try {
        await produce(join(scratch, name));
        try {
          await rename(join(scratch, name), final);
        } catch (e) {
          // Another worker renamed its copy first (a folder cannot replace a non-empty one).
          if (!(await exists(final))) throw e;
        }
      } finally {
        await removeTree(scratch);
      }
      return final;
    })();
    produced.set(name, p);
    p.catch(() => produced.delete(name));
  }
  return p;
}

/** The busybox FROM-scratch build context (default applets, symlinks). */
export function busyboxContext(): Promise<string> {
  return cached('busybox-context', async (target) => {
    await writeBusyboxContext(target);
  });
}

/** Builds the context as FIXTURE_IMAGE with the test run's Docker daemon (BuildKit). */
async function dockerBuild(): Promise<void> {
  const context = await busyboxContext();
  await dockerFromEnv().run(['build', '--quiet', '--tag', FIXTURE_IMAGE, context], {
    env: { DOCKER_BUILDKIT: '1' },
  });
}

/** `docker save` of the busybox image: a docker-archive tar. */
export function busyboxDockerArchive(): Promise<string> {
  return cached('busybox.docker-save.tar', async (target) => {
    await dockerBuild();
    await dockerFromEnv().run(['save', '--output', target, FIXTURE_IMAGE]);
  });
}

/** An OCI image layout folder (skopeo copy from the docker-archive); the image is tagged FIXTURE_OCI_TAG. */
export function busyboxOciLayout(): Promise<string> {
  return cached('busybox.oci', async (target) => {
    const archive = await busyboxDockerArchive();
    await skopeo(['copy', `docker-archive:${archive}`, `oci:${target}:${FIXTURE_OCI_TAG}`]);
  });
}

/** An oci-archive tar (skopeo copy from the OCI layout). */
export function busyboxOciArchive(): Promise<string> {
  return cached('busybox.oci-archive.tar', async (target) => {
    const layout = await busyboxOciLayout();
    await skopeo(['copy', `oci:${layout}:${FIXTURE_OCI_TAG}`, `oci-archive:${target}:${FIXTURE_IMAGE}`]);
  });
}

let podman: Promise<Podman> | undefined;

/** This worker's podman, with storage under the run folder (removed with it at teardown). */
function fixturePodman(): Promise<Podman> {
  podman ??= startPodman({ dir: join(runDir(), `podman-${process.pid}`) });
  return podman;
}

export type PodmanArchiveFormat = 'docker-archive' | 'oci-archive';

/** `podman save --format <format>` of the busybox image after `podman load` of the docker-archive. */
export function busyboxPodmanArchive(format: PodmanArchiveFormat): Promise<string> {
  return cached(`busybox.podman-save.${format}.tar`, async (target) => {
    const archive = await busyboxDockerArchive();
    const p = await fixturePodman();
    await p.run(['load', '--quiet', '--input', archive]);
    await p.run(['save', '--quiet', '--format', format, '--output', target, FIXTURE_IMAGE]);
  });
}
