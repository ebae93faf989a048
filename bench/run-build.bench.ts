// Builds with RUN steps: a 10-step Dockerfile (8 RUN) on a busybox-like base, built
// cold (no cache) and rebuilt unchanged (all cached), by layerbox (FROM box), docker
// build (BuildKit, FROM a busybox image) and buildah build --layers (same), in
// alternating rounds. And the throughput of a shell pipeline: `cat` of 100 MB into
// `wc -c` inside a container, against Node reading the same file.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { installNodeHost } from '../backend/host.ts';
import { nodeCatalog } from '../backend/catalog.ts';
import { openFsStore } from '../backend/store/index.ts';
import { nodeRuntimeHost } from '../backend/runtime/node-runtime.ts';
import { Engine } from '../shared/engine/engine.ts';
import { ensureImage } from '../shared/engine/catalog.ts';
import { imageRootfs } from '../shared/engine/rootfs.ts';
import { Sandbox } from '../shared/runtime/sandbox.ts';
import { CollectingWriter } from '../shared/process/stdio.ts';
import { MemoryContext } from '../shared/build/context.ts';
import { build } from '../shared/build/builder.ts';
import { SandboxRunner } from '../shared/runtime/build-runner.ts';
import { serviceReady, layerbox, requireBuiltCli } from './cli.ts';
import { DOCKER_CLIENT, makeTempDir, missingPeer, removeTree, run, startBuildah, startDocker, writeBusyboxContext, type Buildah, type Figure, type StartedDocker } from './lib.ts';
import { measureRounds } from './rounds.ts';

const STEPS = (base: string) => [
  `FROM ${base}`,
  'ENV GREETING=hello',
  'RUN mkdir -p /app/data',
  'RUN echo "$GREETING" > /app/greeting',
  'RUN seq 1 200 > /app/data/numbers',
  'RUN sort -rn /app/data/numbers | head -5 > /app/data/top',
  'RUN wc -l /app/data/numbers > /app/data/count',
  'RUN cp /app/greeting /app/copy && chmod 600 /app/copy',
  'RUN ls -l /app > /app/listing',
  'RUN rm /app/copy',
  '',
].join('\n');
const RUNS = 5;
const PIPE_BYTES = 100 * 1024 * 1024;

export default async function runBuild(): Promise<Figure[]> {
  await requireBuiltCli();
  installNodeHost();
  const dir = await makeTempDir('lbrb-');
  let docker: StartedDocker | undefined;
  let buildah: Buildah | undefined;
  const figures: Figure[] = [];
  try {
    await writeFile(join(dir, 'Dockerfile.box'), STEPS('box'));
    const ctxDir = join(dir, 'ctx');
    await writeBusyboxContext(ctxDir, { applets: 'all' });
    await writeFile(join(ctxDir, 'Dockerfile.steps'), STEPS('lbbench/busybox'));
    const root = join(dir, 'store');
    await layerbox(root, ['images', '-q']);
    // Builds go through the store's engine service, as docker's through its daemon.
    await serviceReady(root);

    const dockerMissing = missingPeer('docker build', DOCKER_CLIENT, 'dockerd', 'containerd');
    const buildahMissing = missingPeer('buildah build --layers', 'buildah');
    if (!dockerMissing) docker = await startDocker();
    if (!buildahMissing) buildah = await startBuildah({ dir: join(dir, 'buildah') });
    const dockerEnv = docker && { DOCKER_HOST: docker.host, DOCKER_CONFIG: docker.configDir, DOCKER_BUILDKIT: '1' };
    if (docker) await run([DOCKER_CLIENT, 'build', '-q', '-t', 'lbbench/busybox', ctxDir], { env: dockerEnv!, timeoutMs: 300_000 });
    if (buildah) await buildah.build(ctxDir, 'lbbench/busybox');

    let n = 0;
    const ourBuild = (noCache: boolean) => async () => {
      const r = await layerbox(root, ['build', '-q', ...(noCache ? ['--no-cache'] : []), '-f', join(dir, 'Dockerfile.box'), '-t', `bench/steps${n++}`, dir]);
      return r.ms;
    };
    const dockerBuild = (noCache: boolean) => async () =>
      (await run([DOCKER_CLIENT, 'build', '-q', '--network', 'none', ...(noCache ? ['--no-cache'] : []), '-f', join(ctxDir, 'Dockerfile.steps'), '-t', 'lbbench/steps', ctxDir], { env: dockerEnv!, timeoutMs: 300_000 })).ms;
    const buildahBuild = (noCache: boolean) => async () => (await buildah!.build(ctxDir, 'lbbench/steps', ['-f', join(ctxDir, 'Dockerfile.steps'), ...(noCache ? ['--no-cache'] : [])])).ms;

    for (const [mode, noCache] of [['cold', true], ['cached', false]] as const) {
      if (!noCache) {
        await ourBuild(false)();
        if (docker) await dockerBuild(false)();
        if (buildah) await buildahBuild(false)();
      }
      const t = await measureRounds(
        {
          ours: ourBuild(noCache),
          ...(docker ? { docker: dockerBuild(noCache) } : {}),
          ...(buildah ? { buildah: buildahBuild(noCache) } : {}),
        } as Record<'ours' | 'docker' | 'buildah', () => Promise<number>>,
        { runs: RUNS, warmup: 1, maxMs: 120_000 },
      );
      const name = `build, 10 steps with 8 RUN, ${mode} (layerbox CLI, FROM box)`;
      if (dockerMissing) figures.push(dockerMissing);
      else figures.push({ name, unit: 'ms', value: t.ours.median, baseline: { name: `docker build ${mode} (BuildKit, busybox)`, value: t.docker.median } });
      if (buildahMissing) figures.push(buildahMissing);
      else figures.push({ name, unit: 'ms', value: t.ours.median, baseline: { name: `buildah build --layers ${mode} (busybox)`, value: t.buildah.median } });
    }

    // Pipeline throughput: a 100 MB file in the image, `cat | wc -c` in a sandbox.
    const store = await openFsStore(join(dir, 'pipe-store'));
    const e = new Engine(store, { catalog: nodeCatalog });
    const big = randomBytes(PIPE_BYTES);
    const bigPath = join(dir, 'big.bin');
    await writeFile(bigPath, big);
    const rh = nodeRuntimeHost(store);
    await ensureImage(e, 'box');
    const r = await e.write(() =>
      build(e, { context: new MemoryContext({ Dockerfile: 'FROM box\nCOPY big.bin /big.bin\n', 'big.bin': big }), tags: ['bench/big'], runner: new SandboxRunner(e, rh) }),
    );
    const { root: bigRoot } = await imageRootfs(e, await (await import('../shared/engine/images.ts')).getImage(e, r.id));
    const pipeline = async () => {
      const box = await Sandbox.create(e, rh, { root: bigRoot, hostname: 'bench' });
      const out = new CollectingWriter();
      const err = new CollectingWriter();
      const t0 = performance.now();
      const exit = await box.runtime.run({ argv: ['sh', '-c', 'cat /big.bin | wc -c'], env: ['PATH=/bin'], stdout: out, stderr: err });
      const ms = performance.now() - t0;
      if (exit.status !== 0 || out.text().trim() !== String(PIPE_BYTES)) {
        throw new Error(`pipeline printed ${JSON.stringify(out.text())}, status ${exit.status}, stderr ${JSON.stringify(err.text())}`);
      }
      return ms;
    };
    const nodeRead = async () => {
      const t0 = performance.now();
      const b = await readFile(bigPath);
      if (b.length !== PIPE_BYTES) throw new Error('short read');
      return performance.now() - t0;
    };
    const p = await measureRounds({ ours: pipeline, node: nodeRead }, { runs: 5, warmup: 1, maxMs: 120_000 });
    const mbps = (ms: number) => PIPE_BYTES / 2 ** 20 / (ms / 1000);
    figures.push({
      name: "sh -c 'cat 100 MB | wc -c' in a container",
      unit: 'MiB/s',
      value: mbps(p.ours.median),
      baseline: { name: 'Node reading the same file (fs.readFile)', value: mbps(p.node.median) },
    });
    await store.close();
    return figures;
  } finally {
    await docker?.stop();
    await buildah?.stop();
    await removeTree(dir);
  }
}
