import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ArchiveFile } from '../../shared/oci/archive-source.ts';
import type { ByteStream } from '../../shared/host.ts';

/**
 * The files of an OCI image layout folder (what `skopeo copy … oci:DIR` writes), in
 * the order the loader likes: blobs first, then index.json, so layers stream through
 * before the manifests that name them.
 */
export async function* filesOfFolder(root: string): AsyncIterable<ArchiveFile> {
  const all: string[] = [];
  const walk = async (dir: string) => {
    for (const d of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, d.name);
      if (d.isDirectory()) await walk(full);
      else if (d.isFile()) all.push(full);
    }
  };
  await walk(root);
  const rel = all.map((f) => relative(root, f).split(sep).join('/')).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
  for (const path of rel) {
    const full = join(root, path);
    const size = (await stat(full)).size;
    yield { path, size, body: () => createReadStream(full, { highWaterMark: 1 << 20 }) as unknown as ByteStream };
  }
}

function rank(p: string): number {
  return p.startsWith('blobs/') ? 0 : 1;
}
