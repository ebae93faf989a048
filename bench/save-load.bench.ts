// `save` and `load` of a 100 MB image (random bytes in five files, two layers) as whole
// `layerbox` processes, against:
// - the floor in this process: node:zlib gzip at level 6 of the same uncompressed layer
//   tars (save writes gzip-compressed layers), and gunzip + SHA-256 of the compressed
//   layers (what load must at least do to verify them);
// - `docker save` / `docker load` of the same image built by Docker. Docker 20.10 saves
//   layers uncompressed, so its save does no compression work.
// Each layerbox load goes into an empty store; each docker load follows `docker rmi`.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { layerbox, layerboxArgv, requireBuiltCli } from './cli.ts';
import { writeLargeFiles } from './contexts.ts';
import { DOCKER_CLIENT, makeTempDir, missingPeer, removeTree, run, spawnTimed, startDocker, type Figure, type StartedDocker } from './lib.ts';
import { elapsed, measureRounds } from './rounds.ts';

const MB = 1024 ** 2;
const LAYERS = [
  { top: 'one', count: 3, totalBytes: 60 * MB },
  { top: 'two', count: 2, totalBytes: 40 * MB },
];
const TOTAL_MB = LAYERS.reduce((s, l) => s + l.totalBytes, 0) / MB;
const IMAGE = 'bench/saveload:latest';
const RUNS = 3;

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** The compressed layer blobs of a `layerbox save` archive, in manifest order. */
async function savedLayers(archive: string, scratch: string): Promise<Buffer[]> {
  await mkdir(scratch, { recursive: true });
  await run(['tar', '-xf', archive, '-C', scratch]);
  const manifest = JSON.parse(await readFile(join(scratch, 'manifest.json'), 'utf8')) as Array<{ Layers: string[] }>;
  const layers = await Promise.all(manifest[0]!.Layers.map((p) => readFile(join(scratch, p))));
  await removeTree(scratch);
  return layers;
}

export default async function saveLoad(): Promise<Figure[]> {
  await requireBuiltCli();
  const dir = await makeTempDir('lbs-');
  let docker: StartedDocker | undefined;
  try {
    const context = join(dir, 'ctx');
    for (const l of LAYERS) await writeLargeFiles(context, l);
    await writeFile(join(context, 'Dockerfile'), ['FROM scratch', ...LAYERS.map((l) => `COPY ${l.top}/ /${l.top}/`), ''].join('\n'));
    const root = join(dir, 'root');
    await layerbox(root, ['build', '-q', '-t', IMAGE, context]);

    const ourArchive = join(dir, 'layerbox-save.tar');
    await layerbox(root, ['save', '-o', ourArchive, IMAGE]);
    const compressed = await savedLayers(ourArchive, join(dir, 'unpacked'));
    const tars = await Promise.all(compressed.map((b) => gunzipAsync(b)));
    const tarBytes = tars.reduce((s, b) => s + b.length, 0);
    if (tarBytes < TOTAL_MB * MB) throw new Error(`layer tars hold ${tarBytes} bytes, expected at least ${TOTAL_MB * MB}`);

    const dockerMissing = missingPeer('docker save / load', DOCKER_CLIENT, 'dockerd', 'containerd');
    let dockerEnv: Record<string, string | undefined> | undefined;
    const theirArchive = join(dir, 'docker-save.tar');
    if (!dockerMissing) {
      docker = await startDocker();
      dockerEnv = { DOCKER_HOST: docker.host, DOCKER_CONFIG: docker.configDir, DOCKER_BUILDKIT: '1' };
      await run([DOCKER_CLIENT, 'build', '-q', '-t', IMAGE, context], { env: dockerEnv, timeoutMs: 300_000 });
      // Without the build cache holding its layers, `rmi` really removes them, so each
      // load has to write them again.
      await run([DOCKER_CLIENT, 'builder', 'prune', '-af'], { env: dockerEnv });
    }

    const loadRoot = join(dir, 'load-root');
    const saveOut = join(dir, 'save-out.tar');
    const t = await measureRounds(
      {
        gzipFloor: () => elapsed(async () => {
          for (const b of tars) await gzipAsync(b, { level: 6 });
        }),
        save: () => spawnTimed(layerboxArgv(root, ['save', '-o', saveOut, IMAGE])),
        gunzipFloor: () => elapsed(async () => {
          for (const b of compressed) {
            createHash('sha256').update(b).digest();
            createHash('sha256').update(await gunzipAsync(b)).digest();
          }
        }),
        load: async () => {
          await rm(loadRoot, { recursive: true, force: true });
          return spawnTimed(layerboxArgv(loadRoot, ['load', '-q', '-i', ourArchive]));
        },
        ...(dockerEnv
          ? {
              dockerSave: () => spawnTimed([DOCKER_CLIENT, 'save', '-o', theirArchive, IMAGE], { env: dockerEnv }),
              dockerLoad: async () => {
                await run([DOCKER_CLIENT, 'rmi', IMAGE], { env: dockerEnv });
                return spawnTimed([DOCKER_CLIENT, 'load', '-q', '-i', theirArchive], { env: dockerEnv });
              },
            }
          : {}),
      } as Record<'gzipFloor' | 'save' | 'gunzipFloor' | 'load' | 'dockerSave' | 'dockerLoad', () => Promise<number>>,
      { runs: RUNS, warmup: 0, maxMs: 150_000 },
    );

    const image = `${TOTAL_MB} MB image, ${LAYERS.length} layers`;
    const figures: Figure[] = [
      { name: `save ${image} (layerbox CLI)`, unit: 'ms', value: t.save.median, baseline: { name: 'floor: zlib gzip -6 of the layer tars, in-process', value: t.gzipFloor.median } },
      { name: `load ${image} (layerbox CLI, empty store)`, unit: 'ms', value: t.load.median, baseline: { name: 'floor: gunzip + sha256 of the layers, in-process', value: t.gunzipFloor.median } },
    ];
    if (dockerMissing) figures.push(dockerMissing);
    else
      figures.push(
        { name: `save ${image} (layerbox CLI)`, unit: 'ms', value: t.save.median, baseline: { name: 'docker save (layers uncompressed)', value: t.dockerSave.median } },
        { name: `load ${image} (layerbox CLI, empty store)`, unit: 'ms', value: t.load.median, baseline: { name: 'docker load (after docker rmi)', value: t.dockerLoad.median } },
      );
    return figures;
  } finally {
    await docker?.stop();
    await removeTree(dir);
  }
}
