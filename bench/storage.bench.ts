// Ten images built on one shared base (a ~20 MB base image, then ten images that each
// add one small different file): the bytes the store holds on disk (the blobs folder,
// as du counts it) against the sum of the ten images' sizes as `layerbox inspect`
// reports them (Docker's Size: the content of all of an image's layers). Layers are
// shared, so the store should hold about one base plus ten small files; the second
// figure compares it with exactly that, to show the cost of the store's own metadata.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { layerbox, requireBuiltCli } from './cli.ts';
import { writeMixedTree } from './contexts.ts';
import { makeTempDir, removeTree, run, type Figure } from './lib.ts';

const MB = 1024 ** 2;
const BASE_BYTES = 20 * MB;
const IMAGES = 10;

/** Bytes under `dir` as du counts them: allocated blocks, or the files' lengths with `apparent`. */
async function du(dir: string, apparent: boolean): Promise<number> {
  const r = await run(['du', '-s', '--block-size=1', ...(apparent ? ['--apparent-size'] : []), dir]);
  const n = Number(r.stdout.split('\t')[0]);
  if (!Number.isSafeInteger(n)) throw new Error(`du ${dir}: unexpected output ${JSON.stringify(r.stdout)}`);
  return n;
}

export default async function storage(): Promise<Figure[]> {
  await requireBuiltCli();
  const dir = await makeTempDir('lbst-');
  try {
    const context = join(dir, 'ctx');
    const base = await writeMixedTree(context, { files: 200, totalBytes: BASE_BYTES, tops: ['base'], subdirs: 4, seed: 5 });
    await writeFile(join(context, 'Dockerfile.base'), 'FROM scratch\nCOPY base/ /base/\n');
    await mkdir(join(context, 'extra'));
    let extraBytes = 0;
    for (let i = 0; i < IMAGES; i++) {
      const text = `image ${i}\n`.repeat(100 + i);
      extraBytes += text.length;
      await writeFile(join(context, 'extra', `${i}.txt`), text);
      await writeFile(join(context, `Dockerfile.${i}`), `FROM bench/base\nCOPY extra/${i}.txt /extra/${i}.txt\n`);
    }
    const root = join(dir, 'root');
    await layerbox(root, ['build', '-q', '-f', join(context, 'Dockerfile.base'), '-t', 'bench/base', context]);
    const names: string[] = [];
    for (let i = 0; i < IMAGES; i++) {
      names.push(`bench/app-${i}`);
      await layerbox(root, ['build', '-q', '-f', join(context, `Dockerfile.${i}`), '-t', names[i]!, context]);
    }
    const sizes = (await layerbox(root, ['inspect', '--format', '{{.Size}}', ...names])).stdout.trim().split('\n').map(Number);
    if (sizes.length !== IMAGES || !sizes.every((n) => Number.isSafeInteger(n) && n > 0)) {
      throw new Error(`layerbox inspect gave sizes ${JSON.stringify(sizes)}`);
    }
    const sum = sizes.reduce((a, b) => a + b, 0);
    const blobs = join(root, 'blobs');
    const onDisk = await du(blobs, false);
    const apparent = await du(blobs, true);
    const what = `${IMAGES} images on one ${BASE_BYTES / MB} MB base`;
    return [
      { name: `storage: blobs on disk (du), ${what}`, unit: 'MiB', value: onDisk / MB, baseline: { name: `sum of the ${IMAGES} image sizes (inspect .Size)`, value: sum / MB } },
      { name: `storage: blobs on disk (du), ${what}`, unit: 'MiB', value: onDisk / MB, baseline: { name: 'content once: base files + 10 small files', value: (base.bytes + extraBytes) / MB } },
      { name: `storage: blobs apparent size (du --apparent-size), ${what}`, unit: 'MiB', value: apparent / MB, baseline: { name: 'content once: base files + 10 small files', value: (base.bytes + extraBytes) / MB } },
    ];
  } finally {
    await removeTree(dir);
  }
}
