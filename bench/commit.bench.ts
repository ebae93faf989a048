// `commit` of a container that changed one file, on images of 1,000, 10,000 and
// 100,000 files: it should cost the same on all three (O(changed files)).
//
// Each image is one layer of small files spread over folders of 100, brought in with
// `layerbox import` of a generated tar. (`layerbox build` of the same tree gives the
// same single-layer image but costs minutes for 100,000 files here; import costs one
// pass.) Every measured commit is of a fresh container whose one change is a new
// version of /data/g0/d0/f0, made untimed through the engine.
//
// Figures, measured in alternating rounds:
// - in-process: Engine.write(commitContainer) over the fs store opened as the engine
//   service opens it (with its spare files made ahead), against the floor of any
//   durable change (write a small file, fsync, rename, fsync the folder);
// - the whole `layerbox commit` process, against bare `node -e ''` and `podman commit`
//   of a busybox container with one file changed.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { installNodeHost } from '../backend/host.ts';
import { openFsStore, type FsStore } from '../backend/store/index.ts';
import { SPARE_FILES } from '../backend/service/engine-service.ts';
import { syncfs } from '../backend/store/durability.ts';
import { commitContainer } from '../shared/engine/commit.ts';
import { createContainer } from '../shared/engine/containers.ts';
import { copyIntoContainer } from '../shared/engine/cp.ts';
import { Engine } from '../shared/engine/engine.ts';
import { layerbox, layerboxArgv, requireBuiltCli, serviceReady, STANDALONE } from './cli.ts';
import { writeSmallFileTar } from './contexts.ts';
import { findTool, makeTempDir, median, missingPeer, removeTree, spawnTimed, startPodman, writeBusyboxContext, type Figure, type Podman } from './lib.ts';
import { elapsed, measureRounds } from './rounds.ts';

const SIZES = [1_000, 10_000, 100_000];
const IN_PROCESS_RUNS = 25;
const PROCESS_RUNS = 5;
const CHANGED_DIR = '/data/g0/d0';
const CHANGED_FILE = 'f0';

const fmt = (n: number) => n.toLocaleString('en-US');

/** write + fsync + rename + fsync(folder) of a 4 KiB file: what any durable change costs at least. */
async function durableWrite(dir: string): Promise<number> {
  const tmp = join(dir, 'floor.tmp');
  const final = join(dir, 'floor');
  const bytes = randomBytes(4096);
  const ms = await elapsed(async () => {
    const fh = await open(tmp, 'wx');
    try {
      await fh.write(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, final);
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  });
  await unlink(final);
  return ms;
}

/** A new container of `image` whose writable layer holds one changed file. Returns its ID. */
async function changedContainer(e: Engine, image: string): Promise<string> {
  const state = await e.write(() => createContainer(e, { image, cmd: ['true'] }));
  const body = randomBytes(64);
  const entries = (async function* () {
    yield { path: CHANGED_FILE, type: 'file' as const, mode: 0o644, size: body.length, body };
  })();
  await e.write(() => copyIntoContainer(e, state.Id, CHANGED_DIR, entries));
  return state.Id;
}

interface PodmanCommit {
  podman: Podman;
  /** Creates a busybox container with one changed file; resolves its ID. */
  prepare(): Promise<string>;
}

async function setUpPodman(dir: string): Promise<PodmanCommit> {
  const podman = await startPodman({ dir: join(dir, 'podman') });
  const ctx = join(dir, 'busybox');
  await writeBusyboxContext(ctx);
  await podman.run(['build', '--pull=never', '--quiet', '--tag', 'localhost/bench/busybox', ctx], { timeoutMs: 300_000 });
  const file = join(dir, 'changed');
  return {
    podman,
    async prepare() {
      const id = (await podman.run(['create', '--pull', 'never', 'localhost/bench/busybox', 'true'])).stdout.trim();
      await writeFile(file, randomBytes(64));
      await podman.run(['cp', file, `${id}:/bin/changed`]);
      return id;
    },
  };
}

export default async function commit(): Promise<Figure[]> {
  await requireBuiltCli();
  installNodeHost();
  const dir = await makeTempDir('lbc-');
  const stores: FsStore[] = [];
  let peer: PodmanCommit | undefined;
  const figures: Figure[] = [];
  try {
    const podmanMissing = missingPeer('podman commit', 'podman', 'runc', 'conmon');
    if (!podmanMissing) peer = await setUpPodman(dir);
    const floorDir = join(dir, 'floor');
    await mkdir(floorDir);
    const inProcess = new Map<number, number>();
    const cli = new Map<number, number>();
    let podmanMs: number | undefined;

    for (const size of SIZES) {
      const root = join(dir, `root-${size}`);
      const tar = join(dir, `rootfs-${size}.tar`);
      await writeSmallFileTar(tar, { files: size, top: 'data', seed: size });
      const image = `bench/commit:${size}`;
      const imported = await layerbox(root, ['import', tar, image], { timeoutMs: 600_000 });
      console.error(`commit.bench: layerbox import of the ${fmt(size)}-file image took ${(imported.ms / 1000).toFixed(1)} s (set-up, not a figure)`);
      await removeTree(tar);
      await serviceReady(root);
      // The set-up's writes (the import, podman's image) reach the disk before timing
      // starts, rather than during the first commits.
      await syncfs(root);
      const store = await openFsStore(root, { spareFiles: SPARE_FILES });
      stores.push(store);
      const e = new Engine(store);
      const durable: number[] = [];

      // In-process commits are cheap: more runs. Whole processes: fewer, with bare Node
      // start-up (and, in the first size's rounds, podman) alternating with them.
      const inner = await measureRounds(
        {
          // Each commit starts on a quiet store, as a user's next command does: the
          // background sync of the set-up's blobs is over. The commit's own is timed
          // apart, and awaited before the floor's turn.
          inProcess: async () => {
            const id = await changedContainer(e, image);
            await store.blobs.settled();
            const ms = await elapsed(() => e.write(() => commitContainer(e, id)));
            durable.push(ms + (await elapsed(() => store.blobs.settled())));
            return ms;
          },
          floor: () => durableWrite(floorDir),
        },
        { runs: IN_PROCESS_RUNS, warmup: 5, maxMs: 30_000 },
      );
      const withPodman = peer !== undefined && podmanMs === undefined;
      const outer = await measureRounds(
        {
          cli: async () => {
            const id = await changedContainer(e, image);
            return spawnTimed(layerboxArgv(root, ['commit', id]));
          },
          standalone: async () => {
            const id = await changedContainer(e, image);
            return spawnTimed(layerboxArgv(root, ['commit', id]), { env: STANDALONE });
          },
          node: () => spawnTimed([process.execPath, '-e', '']),
          ...(withPodman
            ? {
                podman: async () => {
                  const id = await peer!.prepare();
                  return spawnTimed([findTool('podman')!, 'commit', '--quiet', id], { env: peer!.podman.env });
                },
              }
            : {}),
        } as Record<'cli' | 'standalone' | 'node' | 'podman', () => Promise<number>>,
        { runs: PROCESS_RUNS, warmup: 1, maxMs: 40_000 },
      );
      if (withPodman) podmanMs = outer.podman.median;
      const t = { ...inner, ...outer };
      inProcess.set(size, t.inProcess.median);
      cli.set(size, t.cli.median);
      const files = `${fmt(size)} files`;
      figures.push(
        { name: `commit in-process, ${files}`, unit: 'ms', value: t.inProcess.median, baseline: { name: 'durable write: write+fsync+rename+fsync dir', value: t.floor.median } },
        {
          name: `commit in-process, ${files}, until its blobs are on disk too (their sync runs after the commit returns)`,
          unit: 'ms',
          value: median(durable.slice(-t.inProcess.runs)),
          baseline: { name: 'durable write: write+fsync+rename+fsync dir', value: t.floor.median },
        },
        { name: `commit CLI process, ${files} (through the store's engine service)`, unit: 'ms', value: t.cli.median, baseline: { name: "bare node start-up (node -e '')", value: t.node.median } },
        { name: `commit CLI process, ${files} (doing all the work itself, LAYERBOX_ENGINE_SERVICE=off)`, unit: 'ms', value: t.standalone.median, baseline: { name: "bare node start-up (node -e '')", value: t.node.median } },
        podmanMissing
          ? { name: `commit CLI process, ${files} vs podman commit`, missing: podmanMissing.missing }
          : { name: `commit CLI process, ${files}`, unit: 'ms', value: t.cli.median, baseline: { name: 'podman commit (busybox, 1 file changed)', value: podmanMs! } },
      );
    }
    const [small, , large] = SIZES as [number, number, number];
    figures.push(
      { name: `commit in-process, ${fmt(large)} files (flatness)`, unit: 'ms', value: inProcess.get(large)!, baseline: { name: `commit in-process, ${fmt(small)} files`, value: inProcess.get(small)! } },
      { name: `commit CLI process, ${fmt(large)} files (flatness)`, unit: 'ms', value: cli.get(large)!, baseline: { name: `commit CLI process, ${fmt(small)} files`, value: cli.get(small)! } },
    );
    return figures;
  } finally {
    for (const s of stores) await s.close().catch(() => {});
    await peer?.podman.stop();
    await removeTree(dir);
  }
}
