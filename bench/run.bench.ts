// Running containers:
// - `run --rm box true`, warm, inside one engine process over a store on disk: create,
//   start, wait, remove, as `run --rm` does — against `crun run` of a busybox bundle
//   (the native floor of a namespaced container) in the same rounds;
// - the same as a whole CLI process (`layerbox run --rm box true`) against bare Node
//   start-up and `docker run --rm --network none` of a busybox image;
// - memory of idle running containers (`sleep` as pid 1), measured as the engine
//   process's RSS growth per container, against an idle worker thread (the floor of a
//   process per worker), and how many of each fit in 1 GiB.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { installNodeHost } from '../backend/host.ts';
import { nodeCatalog } from '../backend/catalog.ts';
import { openFsStore } from '../backend/store/index.ts';
import { nodeRuntimeHost } from '../backend/runtime/node-runtime.ts';
import { Engine } from '../shared/engine/engine.ts';
import { seedStore } from '../shared/engine/catalog.ts';
import { createContainer } from '../shared/engine/containers.ts';
import { ContainerHost } from '../shared/runtime/container-host.ts';
import { MemoryLogStore } from '../shared/runtime/log.ts';
import { layerbox, layerboxArgv, requireBuiltCli, serviceReady, STANDALONE } from './cli.ts';
import {
  DOCKER_CLIENT,
  makeTempDir,
  median,
  missingPeer,
  removeTree,
  run,
  runtimeArgv,
  spawnTimed,
  startDocker,
  writeBusyboxContext,
  writeRuntimeBundle,
  type Figure,
  type StartedDocker,
} from './lib.ts';
import { measureRounds } from './rounds.ts';

const IN_PROCESS_RUNS = 12;
const SERIES = 20;
const CRUN_SERIES = 3;
const PROCESS_RUNS = 10;
const IDLE_CONTAINERS = 20;

export default async function runBench(): Promise<Figure[]> {
  await requireBuiltCli();
  installNodeHost();
  const dir = await makeTempDir('lbrun-');
  let docker: StartedDocker | undefined;
  const figures: Figure[] = [];
  try {
    const root = join(dir, 'store');
    const store = await openFsStore(root);
    const e = new Engine(store, { catalog: nodeCatalog });
    await seedStore(e);
    const host = new ContainerHost(e, nodeRuntimeHost(store), new MemoryLogStore(), process.pid);

    // Warm means an engine that is serving: each round is a series of SERIES runs back to
    // back, and its figure the median run of the series. (The first run after crun's
    // process spawns pays for cold caches: the first-run figure below shows it.)
    const firsts: number[] = [];
    const runTrue = async (): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < SERIES; i++) {
        const t = performance.now();
        const r = await host.run({ image: 'box', cmd: ['true'], autoRemove: true });
        const exit = await r.done;
        if (exit.status !== 0) throw new Error(`box true exited ${exit.status}`);
        times.push(performance.now() - t);
      }
      firsts.push(times[0]!);
      return median(times);
    };

    // crun of a busybox bundle: the native floor of a namespaced container.
    const crunMissing = missingPeer('crun run of a busybox bundle', 'crun', 'unshare');
    const ctx = await writeBusyboxContext(join(dir, 'busybox'));
    let crun: (() => Promise<number>) | undefined;
    if (!crunMissing) {
      const bundle = join(dir, 'bundle');
      await writeRuntimeBundle(bundle, join(ctx.dir, 'rootfs'), ['/bin/true']);
      let n = 0;
      crun = async () => {
        const times: number[] = [];
        for (let i = 0; i < CRUN_SERIES; i++) times.push(await spawnTimed(runtimeArgv('crun', ['run', '--bundle', bundle, `lbbench-${process.pid}-${n++}`])));
        return median(times);
      };
    }
    const t = await measureRounds(
      { ours: runTrue, ...(crun ? { crun } : {}) } as Record<'ours' | 'crun', () => Promise<number>>,
      { runs: IN_PROCESS_RUNS, warmup: 3, maxMs: 60_000 },
    );
    const name = `run --rm box true, warm, in one engine process (create, start, exit, remove; median of ${SERIES} back to back)`;
    const crunName = 'crun run of a busybox bundle (true)';
    if (crunMissing) figures.push(crunMissing);
    else {
      figures.push({ name, unit: 'ms', value: t.ours.median, baseline: { name: crunName, value: t.crun.median } });
      figures.push({ name: 'run --rm box true in one engine process, first of a series (after crun runs)', unit: 'ms', value: median(firsts), baseline: { name: crunName, value: t.crun.median } });
    }

    // Whole processes.
    const cliRoot = join(dir, 'cli-store');
    await layerbox(cliRoot, ['run', '--rm', 'box', 'true']);
    await serviceReady(cliRoot);
    const dockerMissing = missingPeer('docker run --rm --network none busybox true', DOCKER_CLIENT, 'dockerd', 'containerd');
    if (!dockerMissing) {
      docker = await startDocker();
      await run([DOCKER_CLIENT, 'build', '-q', '-t', 'lbbench/busybox', ctx.dir], { env: { DOCKER_HOST: docker.host, DOCKER_CONFIG: docker.configDir, DOCKER_BUILDKIT: '1' }, timeoutMs: 300_000 });
    }
    const dockerEnv = docker && { DOCKER_HOST: docker.host, DOCKER_CONFIG: docker.configDir };
    const p = await measureRounds(
      {
        ours: () => spawnTimed(layerboxArgv(cliRoot, ['run', '--rm', 'box', 'true'])),
        standalone: () => spawnTimed(layerboxArgv(cliRoot, ['run', '--rm', 'box', 'true']), { env: STANDALONE }),
        node: () => spawnTimed([process.execPath, '-e', '']),
        ...(docker ? { docker: () => spawnTimed([DOCKER_CLIENT, 'run', '--rm', '--network', 'none', 'lbbench/busybox', 'true'], { env: dockerEnv! }) } : {}),
      } as Record<'ours' | 'standalone' | 'node' | 'docker', () => Promise<number>>,
      { runs: PROCESS_RUNS, warmup: 1, maxMs: 90_000 },
    );
    const cliName = "layerbox run --rm box true (whole CLI process, through the store's engine service)";
    figures.push({ name: cliName, unit: 'ms', value: p.ours.median, baseline: { name: "bare node start-up (node -e '')", value: p.node.median } });
    figures.push({
      name: 'layerbox run --rm box true (whole CLI process doing all the work itself, LAYERBOX_ENGINE_SERVICE=off)',
      unit: 'ms',
      value: p.standalone.median,
      baseline: { name: "bare node start-up (node -e '')", value: p.node.median },
    });
    if (dockerMissing) figures.push(dockerMissing);
    else figures.push({ name: cliName, unit: 'ms', value: p.ours.median, baseline: { name: 'docker run --rm --network none busybox true', value: p.docker.median } });

    // Idle containers: RSS growth of this process per running `sleep`, against the floor
    // of this design, an idle worker thread (each WASI process runs in one), measured alike.
    const rssGrowth = async (start: () => Promise<() => Promise<void>>): Promise<number> => {
      globalThis.gc?.();
      const before = process.memoryUsage().rss;
      const stops: Array<() => Promise<void>> = [];
      for (let i = 0; i < IDLE_CONTAINERS; i++) stops.push(await start());
      await new Promise((r) => setTimeout(r, 500));
      globalThis.gc?.();
      const per = (process.memoryUsage().rss - before) / IDLE_CONTAINERS;
      await Promise.all(stops.map((s) => s()));
      return per / 2 ** 20;
    };
    const workerMiB = await rssGrowth(async () => {
      const w = new Worker('require("node:worker_threads").parentPort.on("message", () => {})', { eval: true });
      await new Promise((r) => w.once('online', r));
      return async () => void (await w.terminate());
    });
    const containerMiB = await rssGrowth(async () => {
      const c = await e.write(() => createContainer(e, { image: 'box', cmd: ['sleep', '1000'], autoRemove: true }));
      const r = await host.start(c.Id);
      return async () => {
        r.kill('KILL');
        await r.done;
      };
    });
    figures.push({
      name: `memory per idle running container (RSS growth over ${IDLE_CONTAINERS} sleeping containers)`,
      unit: 'MiB',
      value: containerMiB,
      baseline: { name: 'an idle Node worker thread, measured the same way', value: workerMiB },
    });
    figures.push({
      name: 'idle containers that fit in 1 GiB',
      unit: 'containers',
      value: Math.floor(1024 / containerMiB),
      baseline: { name: 'idle worker threads that fit in 1 GiB', value: Math.floor(1024 / workerMiB) },
    });
    await store.close();
    return figures;
  } finally {
    await docker?.stop();
    await removeTree(dir);
  }
}
