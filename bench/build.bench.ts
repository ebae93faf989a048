// Cold build of a 1,000-file, 50 MB context with three COPY steps (FROM scratch, then
// one COPY per top-level folder), by the engine alone (timed inside a warm Node process
// of its own over a store folder, as the engine service runs it) and as a whole
// `layerbox build` process, against:
// - the physical floor, in this process: read every file once (readFileSync, the fastest
//   way here: the promise API took 3–5 times as long for these 1,000 files), SHA-256 its
//   bytes (the content digest) and write the three layer tars with layerbox's tar
//   writer, hashing each tar (the diff_id). No store, no fsync, no process start.
// - `docker build --no-cache` of the same context with BuildKit on a private daemon.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineProcess } from './engine-process.ts';
import { writeTar } from '../shared/tar/writer.ts';
import type { TarWriteEntry } from '../shared/tar/entry.ts';
import { layerbox, layerboxArgv, requireBuiltCli, serviceReady, STANDALONE } from './cli.ts';
import { walk, writeMixedTree } from './contexts.ts';
import { DOCKER_CLIENT, makeTempDir, missingPeer, removeTree, spawnTimed, startDocker, type Figure, type StartedDocker } from './lib.ts';
import { elapsed, measureRounds } from './rounds.ts';

const FILES = 1000;
const BYTES = 50 * 1024 ** 2;
const TOPS = ['a', 'b', 'c'];
const DOCKERFILE = ['FROM scratch', ...TOPS.map((t) => `COPY ${t}/ /${t}/`), ''].join('\n');
const RUNS = 5;

/** Read, hash and tar every file of `top` once; resolves when the tar has been consumed. */
async function readHashTar(context: string, top: string): Promise<void> {
  const tree = await walk(join(context, top));
  const entries = (async function* (): AsyncIterable<TarWriteEntry> {
    yield { path: top, type: 'dir', mode: 0o755 };
    for (const d of tree.dirs) yield { path: `${top}/${d}`, type: 'dir', mode: 0o755 };
    for (const f of tree.files) {
      const body = readFileSync(f.abs);
      createHash('sha256').update(body).digest();
      yield { path: `${top}/${f.path}`, type: 'file', mode: 0o644, size: body.length, body };
    }
  })();
  const diffId = createHash('sha256');
  for await (const chunk of writeTar(entries)) diffId.update(chunk);
  diffId.digest();
}

export default async function build(): Promise<Figure[]> {
  await requireBuiltCli();
  const name = `build ${FILES} files / ${BYTES / 1024 ** 2} MB, 3 COPY, cold (layerbox CLI, through the store's engine service)`;
  const dir = await makeTempDir('lbb-');
  let docker: StartedDocker | undefined;
  let engine: EngineProcess | undefined;
  try {
    const context = join(dir, 'ctx');
    await writeMixedTree(context, { files: FILES, totalBytes: BYTES, tops: TOPS, subdirs: 3, seed: 1 });
    await writeFile(join(context, 'Dockerfile'), DOCKERFILE);
    const root = join(dir, 'root');
    const fresh = join(dir, 'fresh');
    engine = new EngineProcess(join(dir, 'engine'));

    const dockerMissing = missingPeer(`${name} vs docker build`, DOCKER_CLIENT, 'dockerd', 'containerd');
    if (!dockerMissing) docker = await startDocker();
    const dockerEnv = docker && { DOCKER_HOST: docker.host, DOCKER_CONFIG: docker.configDir, DOCKER_BUILDKIT: '1' };

    const contenders = {
      floor: () => elapsed(async () => {
        for (const top of TOPS) await readHashTar(context, top);
      }),
      // The engine's own work, timed in its process (as the service runs it, without a
      // command's start-up); nothing of the last build left, so every byte is written again.
      engine: () => engine!.build(context),
      // A warm engine, as docker's daemon is, and nothing of the last build left: its
      // image and blobs are removed first (untimed), so every byte is written again.
      layerbox: async () => {
        await layerbox(root, ['system', 'prune', '-a', '-f']);
        await serviceReady(root);
        return spawnTimed(layerboxArgv(root, ['build', '--no-cache', '-q', '-t', 'bench/build', context]));
      },
      // The same in a new store by a command that does all the work itself.
      standalone: async () => {
        await rm(fresh, { recursive: true, force: true });
        return spawnTimed(layerboxArgv(fresh, ['build', '--no-cache', '-q', '-t', 'bench/build', context]), { env: STANDALONE });
      },
      ...(docker
        ? { docker: () => spawnTimed([DOCKER_CLIENT, 'build', '--no-cache', '-q', '-t', 'bench/build', context], { env: dockerEnv! }) }
        : {}),
    } as Record<'floor' | 'engine' | 'layerbox' | 'standalone' | 'docker', () => Promise<number>>;
    // Three warm-up rounds for every contender: the engine service's compiled code
    // reaches its steady speed only after a few builds (its first five here took
    // 456, 438, 376, 269 and 302 ms, measured from the command's arrival).
    const t = await measureRounds(contenders, { runs: RUNS, warmup: 3, maxMs: 200_000 });

    const figures: Figure[] = [
      {
        name: `build ${FILES} files / ${BYTES / 1024 ** 2} MB, 3 COPY, cold, the engine alone (timed in its own warm process, as the service runs it)`,
        unit: 'ms',
        value: t.engine.median,
        baseline: { name: 'floor: read + sha256 + tar + sha256(tar), in-process', value: t.floor.median },
      },
      { name, unit: 'ms', value: t.layerbox.median, baseline: { name: 'floor: read + sha256 + tar + sha256(tar), in-process', value: t.floor.median } },
      {
        name: `build ${FILES} files / ${BYTES / 1024 ** 2} MB, 3 COPY, cold, new store (layerbox CLI doing all the work itself)`,
        unit: 'ms',
        value: t.standalone.median,
        baseline: { name: 'floor: read + sha256 + tar + sha256(tar), in-process', value: t.floor.median },
      },
    ];
    figures.push(
      dockerMissing ?? { name, unit: 'ms', value: t.layerbox.median, baseline: { name: 'docker build --no-cache (BuildKit)', value: t.docker.median } },
    );
    return figures;
  } finally {
    await docker?.stop();
    await engine?.stop();
    await removeTree(dir);
  }
}
