// A layer's diff_id is computed by hashing its canonical tar in place (headers from the
// tar writer, file bodies fed from the store); it must equal the digest of the tar the
// writer produces, for every kind of entry, on the memory store and on the fs store
// (blobs staged or flushed, small or read in several chunks).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openFsStore } from '../../../backend/store/index.ts';
import { importLayer } from '../../../shared/layer/import.ts';
import { canonicalTar, canonicalTarDigest, digestStream, layerFromTree } from '../../../shared/layer/layer.ts';
import type { BlobStore } from '../../../shared/store/blob-store.ts';
import { MemoryStore } from '../../../shared/store/memory-store.ts';
import { EMPTY_META, MutableDir } from '../../../shared/tree/mutable.ts';
import { TreeStore } from '../../../shared/tree/tree-store.ts';
import { UnionFs } from '../../../shared/unionfs/unionfs.ts';

const work = mkdtempSync(join(tmpdir(), 'lb-layer-digest-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function* once(b: Uint8Array) {
  yield b;
}

/** A tree made through the union filesystem: files around block boundaries and past the store's read chunk. */
async function madeTree(blobs: BlobStore) {
  const trees = new TreeStore(blobs);
  const fs = new UnionFs(trees, undefined, new MutableDir(EMPTY_META, { implicit: true }));
  const meta = { mode: 0o644, uid: 1000, gid: 1000, mtime: 1700000000 };
  await fs.mkdir('/app/a/very/deep/folder/with/a/long/path/that/needs/a/pax/header/because/it/is/longer/than/one/hundred/bytes', { ...meta, mode: 0o755 }, { parents: true });
  for (const size of [0, 1, 511, 512, 513, 4096, 300_000, 700_001]) {
    const digest = (await blobs.ingest(once(randomBytes(size)), { size })).digest;
    await fs.writeNode(`/app/f${size}`, { type: 'file', ...meta, size, digest });
  }
  await fs.writeNode('/app/link', { type: 'symlink', ...meta, mode: 0o777, target: 'f512' });
  await fs.writeHardlink('/app/hard', '/app/f513');
  const xattrs = { 'user.note': Buffer.from('hi').toString('base64') };
  const digest = await blobs.put(new TextEncoder().encode('x'));
  await fs.writeNode('/app/ütf8-näme', { type: 'file', ...meta, size: 1, digest, xattrs });
  return { trees, root: await fs.upper.persist(trees) };
}

/** A layer with whiteouts, an opaque folder, links and a hard link, as GNU tar writes it. */
async function importedTree(blobs: BlobStore) {
  const dir = mkdtempSync(join(work, 'tar-'));
  const root = join(dir, 'root');
  mkdirSync(join(root, 'etc/deep'), { recursive: true });
  writeFileSync(join(root, 'etc/a'), 'aaa');
  writeFileSync(join(root, 'etc/deep/b'), randomBytes(5000));
  linkSync(join(root, 'etc/a'), join(root, 'etc/a-hard'));
  symlinkSync('/etc/a', join(root, 'etc/sym'));
  writeFileSync(join(root, 'etc/.wh.gone'), '');
  mkdirSync(join(root, 'opq'));
  writeFileSync(join(root, 'opq/.wh..wh..opq'), '');
  writeFileSync(join(root, 'opq/kept'), 'k');
  execFileSync('tar', ['--format=gnu', '-cf', join(dir, 'l.tar'), '-C', root, 'etc', 'opq']);
  const trees = new TreeStore(blobs);
  const layer = await importLayer(trees, blobs, once(readFileSync(join(dir, 'l.tar'))));
  return { trees, root: layer.root };
}

async function expectSameDigest(blobs: BlobStore, made: { trees: TreeStore; root: Parameters<typeof canonicalTar>[2] }) {
  const written = await digestStream(canonicalTar(made.trees, blobs, made.root));
  expect(await canonicalTarDigest(made.trees, blobs, made.root)).toEqual(written);
  const layer = await layerFromTree(made.trees, blobs, made.root);
  expect({ digest: layer.diffId, size: layer.tarSize }).toEqual(written);
}

describe('canonicalTarDigest', () => {
  it('equals the digest of the written tar on the memory store', async () => {
    const store = new MemoryStore();
    await expectSameDigest(store.blobs, await madeTree(store.blobs));
    await expectSameDigest(store.blobs, await importedTree(store.blobs));
  });

  it('equals the digest of the written tar on the fs store, blobs staged and flushed', async () => {
    const store = await openFsStore(join(work, 'store'));
    try {
      const made = await madeTree(store.blobs);
      const imported = await importedTree(store.blobs);
      await expectSameDigest(store.blobs, made);
      await expectSameDigest(store.blobs, imported);
      await store.blobs.flush();
      await expectSameDigest(store.blobs, made);
      await expectSameDigest(store.blobs, imported);
    } finally {
      await store.close();
    }
  });
});
