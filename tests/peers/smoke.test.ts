// Proves every peer tool works on this machine end to end, on the busybox FROM-scratch
// image, through the same helpers and fixtures the other tests use.
import { lstat, readFile, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import {
  busyboxContext,
  busyboxDockerArchive,
  busyboxOciArchive,
  busyboxOciLayout,
  busyboxPodmanArchive,
  FIXTURE_IMAGE,
  FIXTURE_OCI_TAG,
} from '../harness/fixtures.ts';
import {
  BUSYBOX,
  dockerFromEnv,
  makeTempDir,
  removeTree,
  requireTool,
  run,
  runBundle,
  skopeo,
  startBuildah,
  startPodman,
  startRegistry,
  umoci,
  writeRuntimeBundle,
  DOCKER_CLIENT,
  type Buildah,
  type Podman,
  type Registry,
} from '../harness/peers.ts';

const SMOKE_TAG = 'localhost/layerbox-smoke/busybox:docker';

/** Names of the entries of a tar file. */
async function tarList(path: string): Promise<string[]> {
  const { stdout } = await run(['tar', '-tf', path]);
  return stdout.split('\n').filter(Boolean);
}

async function tarJson(path: string, member: string): Promise<unknown> {
  const { stdout } = await run(['tar', '-xOf', path, member]);
  return JSON.parse(stdout);
}

interface OciIndex {
  manifests: { digest: string; mediaType: string; annotations?: Record<string, string> }[];
}
interface OciManifest {
  config: { digest: string };
  layers: { digest: string; mediaType: string }[];
}

async function readBlob(layout: string, digest: string): Promise<Buffer> {
  const [algorithm, hex] = digest.split(':');
  return readFile(join(layout, 'blobs', algorithm!, hex!));
}

describe('peer tools on this machine', () => {
  const docker = dockerFromEnv();
  let work: string;
  let podman: Podman | undefined;
  let buildah: Buildah | undefined;
  let registry: Registry | undefined;

  beforeAll(async () => {
    work = await makeTempDir('lbsmoke-');
  });
  afterAll(async () => {
    await registry?.stop();
    await buildah?.stop();
    await podman?.stop();
    await docker.run(['image', 'rm', '--force', SMOKE_TAG], { check: false });
    await removeTree(work);
  });

  test('every peer binary is installed', () => {
    for (const tool of [
      DOCKER_CLIENT, 'dockerd', 'containerd', 'skopeo', 'umoci', BUSYBOX, 'crun', 'runc',
      'podman', 'conmon', 'buildah', 'docker-registry', 'unshare', 'mountpoint', 'tar',
    ]) {
      expect(requireTool(tool), tool).toMatch(/^\//);
    }
    expect(() => requireTool('layerbox-no-such-tool')).toThrow(/layerbox-no-such-tool is not installed/);
  });

  test('the global setup shares one dockerd with the workers', async () => {
    expect(inject('dockerHost')).toBe(process.env.DOCKER_HOST);
    const { stdout } = await docker.run(['version', '--format', '{{.Server.Version}}']);
    expect(stdout.trim()).toMatch(/^20\.10\./);
  });

  test('docker builds the busybox FROM-scratch context and runs echo hi without a network', async () => {
    const context = await busyboxContext();
    await docker.run(['build', '--quiet', '--tag', SMOKE_TAG, context], { env: { DOCKER_BUILDKIT: '1' } });
    const echo = await docker.run(['run', '--rm', '--network', 'none', SMOKE_TAG, 'echo', 'hi']);
    expect(echo.stdout).toBe('hi\n');
    const shell = await docker.run(['run', '--rm', '--network', 'none', SMOKE_TAG, 'sh', '-c', 'ls /bin/busybox; exit 3'], {
      check: false,
    });
    expect(shell.stdout).toBe('/bin/busybox\n');
    expect(shell.code).toBe(3);
  });

  test('docker save writes a docker-archive with one layer', async () => {
    const archive = await busyboxDockerArchive();
    expect(await tarList(archive)).toContain('manifest.json');
    const manifest = (await tarJson(archive, 'manifest.json')) as { RepoTags: string[]; Layers: string[] }[];
    expect(manifest).toHaveLength(1);
    expect(manifest[0]!.RepoTags).toEqual([FIXTURE_IMAGE]);
    expect(manifest[0]!.Layers).toHaveLength(1);
  });

  test('skopeo copies docker-archive to an OCI layout and an oci-archive, keeping the layer diff_ids', async () => {
    const layout = await busyboxOciLayout();
    expect(JSON.parse(await readFile(join(layout, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
    const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as OciIndex;
    expect(index.manifests).toHaveLength(1);
    expect(index.manifests[0]!.annotations?.['org.opencontainers.image.ref.name']).toBe(FIXTURE_OCI_TAG);
    const manifest = JSON.parse((await readBlob(layout, index.manifests[0]!.digest)).toString('utf8')) as OciManifest;
    expect(manifest.layers).toHaveLength(1);
    // skopeo rewrites the config as an OCI config and gzips the layer, so the image ID
    // changes, but the uncompressed layer digests (diff_ids) are Docker's.
    const config = JSON.parse((await readBlob(layout, manifest.config.digest)).toString('utf8')) as {
      rootfs: { diff_ids: string[] };
    };
    const { stdout: dockerLayers } = await docker.run(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', FIXTURE_IMAGE]);
    expect(config.rootfs.diff_ids).toEqual(JSON.parse(dockerLayers));

    const ociArchive = await busyboxOciArchive();
    const entries = await tarList(ociArchive);
    expect(entries).toContain('index.json');
    expect(entries).toContain('oci-layout');
    const inspected = JSON.parse((await skopeo(['inspect', '--config', `oci-archive:${ociArchive}`])).stdout) as {
      config: { Cmd: string[]; Env: string[] };
    };
    expect(inspected.config.Cmd).toEqual(['/bin/sh']);
    expect(inspected.config.Env).toContain('PATH=/bin');
  });

  test('umoci unpacks the OCI layout into a bundle whose rootfs holds bin/busybox', async () => {
    const layout = await busyboxOciLayout();
    const bundle = join(work, 'umoci-bundle');
    await umoci(['unpack', '--image', `${layout}:${FIXTURE_OCI_TAG}`, bundle]);
    const busybox = await stat(join(bundle, 'rootfs/bin/busybox'));
    expect(busybox.isFile()).toBe(true);
    expect(busybox.size).toBe((await stat(BUSYBOX)).size);
    expect((await lstat(join(bundle, 'rootfs/bin/sh'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(bundle, 'rootfs/bin/sh'))).toBe('busybox');
  });

  test('crun and runc run processes in a bundle made from that rootfs', async () => {
    const rootfs = join(work, 'umoci-bundle', 'rootfs');
    const bundle = join(work, 'runtime-bundle');
    await writeRuntimeBundle(bundle, rootfs, ['/bin/true']);
    expect((await runBundle('crun', bundle)).code).toBe(0);
    expect((await runBundle('runc', bundle)).code).toBe(0);

    await writeRuntimeBundle(bundle, rootfs, ['/bin/sh', '-c', 'echo "$(hostname) $$"; exit 7']);
    for (const runtime of ['crun', 'runc'] as const) {
      const result = await runBundle(runtime, bundle, { check: false });
      // Its own UTS and pid namespaces: the bundle's hostname, and the shell is pid 1.
      expect(result.stdout, runtime).toBe('layerbox-test 1\n');
      expect(result.code, runtime).toBe(7);
    }
  });

  test('podman loads the docker-archive, lists it, runs it and saves it in both formats', async () => {
    podman = await startPodman();
    const archive = await busyboxDockerArchive();
    await podman.run(['load', '--quiet', '--input', archive]);
    const images = await podman.run(['images', '--format', '{{.Repository}}:{{.Tag}}']);
    expect(images.stdout.split('\n')).toContain(FIXTURE_IMAGE);
    const echo = await podman.run(['run', '--rm', '--pull', 'never', '--network', 'none', FIXTURE_IMAGE, 'echo', 'hi']);
    expect(echo.stdout).toBe('hi\n');

    const dockerFormat = await busyboxPodmanArchive('docker-archive');
    expect(await tarList(dockerFormat)).toContain('manifest.json');
    const ociFormat = await busyboxPodmanArchive('oci-archive');
    expect(await tarList(ociFormat)).toContain('index.json');
  });

  test('buildah builds the same context into a one-layer image', async () => {
    buildah = await startBuildah();
    const tag = 'localhost/layerbox-smoke/busybox:buildah';
    await buildah.build(await busyboxContext(), tag, ['--quiet']);
    const images = await buildah.run(['images', '--format', '{{.Name}}:{{.Tag}}']);
    expect(images.stdout.split('\n')).toContain(tag);
    const inspected = JSON.parse((await buildah.run(['inspect', '--type', 'image', tag])).stdout) as {
      OCIv1: { rootfs: { diff_ids: string[] }; config: { Cmd: string[] } };
    };
    expect(inspected.OCIv1.rootfs.diff_ids).toHaveLength(1);
    expect(inspected.OCIv1.config.Cmd).toEqual(['/bin/sh']);
  });

  test('skopeo pushes to the loopback registry and inspects the image back', async () => {
    registry = await startRegistry();
    const archive = await busyboxDockerArchive();
    const ref = `docker://${registry.host}/layerbox/busybox:smoke`;
    await skopeo(['copy', '--dest-tls-verify=false', `docker-archive:${archive}`, ref]);
    const tags = (await (await fetch(`${registry.url}/v2/layerbox/busybox/tags/list`)).json()) as { tags: string[] };
    expect(tags.tags).toEqual(['smoke']);
    const inspected = JSON.parse((await skopeo(['inspect', '--tls-verify=false', ref])).stdout) as {
      Name: string;
      Digest: string;
      Layers: string[];
    };
    expect(inspected.Name).toBe(`${registry.host}/layerbox/busybox`);
    expect(inspected.Layers).toHaveLength(1);
    const raw = (await skopeo(['inspect', '--raw', '--tls-verify=false', ref])).stdout;
    const { createHash } = await import('node:crypto');
    expect(inspected.Digest).toBe(`sha256:${createHash('sha256').update(raw).digest('hex')}`);
  });
});
