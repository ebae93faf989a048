import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, symlinkSync, readFileSync, linkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { MemoryStore } from '../../../shared/store/memory-store.ts';
import { TreeStore } from '../../../shared/tree/tree-store.ts';
import { MutableDir, EMPTY_META } from '../../../shared/tree/mutable.ts';
import { UnionFs } from '../../../shared/unionfs/unionfs.ts';
import { importLayer } from '../../../shared/layer/import.ts';
import { layerFromTree, layerTar, canonicalTar } from '../../../shared/layer/layer.ts';
import { applyLayer } from '../../../shared/layer/merge.ts';

async function collect(s: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}
async function* once(b: Uint8Array) {
  yield b;
}
const sha = (b: Uint8Array) => 'sha256:' + createHash('sha256').update(b).digest('hex');

describe('layers', () => {
  it('a layer layerbox writes re-imports to the same diff_id without a skeleton', async () => {
    const store = new MemoryStore();
    const trees = new TreeStore(store.blobs);
    const fs = new UnionFs(trees, undefined, new MutableDir(EMPTY_META, { implicit: true }));
    await fs.mkdir('/app/sub', { mode: 0o750, uid: 1000, gid: 1000, mtime: 1700000000 }, { parents: true });
    const digest = await store.blobs.put(new TextEncoder().encode('hello\n'));
    await fs.writeNode('/app/sub/hello.txt', { type: 'file', mode: 0o644, uid: 1000, gid: 1000, mtime: 1700000000, size: 6, digest });
    await fs.writeNode('/app/link', { type: 'symlink', mode: 0o777, uid: 0, gid: 0, mtime: 1700000000, target: 'sub/hello.txt' });
    const layer = await layerFromTree(trees, store.blobs, await fs.upper.persist(trees));
    const tar = await collect(canonicalTar(trees, store.blobs, layer.root));
    expect(sha(tar)).toBe(layer.diffId);
    expect(layer.size).toBe(6);
    const store2 = new MemoryStore();
    const back = await importLayer(new TreeStore(store2.blobs), store2.blobs, once(tar));
    expect(back.diffId).toBe(layer.diffId);
    expect(back.skeleton).toBeUndefined();
    expect(back.root.tree).toBe(layer.root.tree);
    // GNU tar reads it and sees the same entries.
    const dir = mkdtempSync(join(tmpdir(), 'lb-layer-'));
    writeFileSync(join(dir, 'l.tar'), tar);
    const listing = execFileSync('tar', ['-tvf', join(dir, 'l.tar'), '--numeric-owner'], { encoding: 'utf8' });
    expect(listing).toMatch(/drwxr-x--- 1000\/1000 .* app\/\n/);
    expect(listing).toMatch(/-rw-r--r-- 1000\/1000 +6 .* app\/sub\/hello.txt/);
    expect(listing).toMatch(/lrwxrwxrwx 0\/0 .* app\/link -> sub\/hello.txt/);
    rmSync(dir, { recursive: true });
  });

  it('a foreign tar keeps its exact bytes through a skeleton', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-layer-'));
    const root = join(dir, 'root');
    mkdirSync(join(root, 'etc/deep'), { recursive: true });
    writeFileSync(join(root, 'etc/a'), 'aaa');
    writeFileSync(join(root, 'etc/deep/b'), 'b'.repeat(5000));
    linkSync(join(root, 'etc/a'), join(root, 'etc/a-hard'));
    symlinkSync('/etc/a', join(root, 'etc/sym'));
    writeFileSync(join(root, 'etc/.wh.gone'), '');
    mkdirSync(join(root, 'opq'));
    writeFileSync(join(root, 'opq/.wh..wh..opq'), '');
    execFileSync('tar', ['--format=gnu', '-cf', join(dir, 'l.tar'), '-C', root, 'etc', 'opq']);
    const bytes = readFileSync(join(dir, 'l.tar'));
    const store = new MemoryStore();
    const trees = new TreeStore(store.blobs);
    const layer = await importLayer(trees, store.blobs, once(bytes));
    expect(layer.diffId).toBe(sha(bytes));
    expect(layer.skeleton).toBeDefined();
    expect(sha(await collect(layerTar(trees, store.blobs, layer)))).toBe(sha(bytes));
    // Whiteouts and opaque markers became tree nodes, and merging honours them.
    const lowerFs = new UnionFs(trees, undefined, new MutableDir(EMPTY_META));
    await lowerFs.mkdir('/etc', EMPTY_META);
    await lowerFs.writeNode('/etc/gone', { type: 'fifo', mode: 0o644, uid: 0, gid: 0, mtime: 0 });
    await lowerFs.mkdir('/opq/old', EMPTY_META, { parents: true });
    const merged = await applyLayer(trees, await lowerFs.upper.persist(trees), layer.root);
    const view = new UnionFs(trees, merged, new MutableDir(EMPTY_META, { implicit: true }));
    expect((await view.readdir('/etc')).map(([n]) => n)).toEqual(['a', 'a-hard', 'deep', 'sym']);
    expect(await view.readdir('/opq')).toEqual([]);
    expect(new TextDecoder().decode(await view.readFile('/etc/a-hard'))).toBe('aaa');
    rmSync(dir, { recursive: true });
  });

  it('rejects hardlinks out of the layer, duplicates, whiteout clashes and entries under files', async () => {
    // One Python run makes every bad archive (Python's tarfile is an independent writer).
    const cases: Record<string, string> = {
      link: "add('a',tarfile.LNKTYPE,link='nothere')",
      dup: "add('a',data=b'1')\nadd('a',data=b'2')",
      under: "add('f',data=b'1')\nadd('f/x',data=b'2')",
      clash: "add('x',data=b'1')\nadd('.wh.x')",
      dirlink: "add('d',tarfile.DIRTYPE)\nadd('l',tarfile.LNKTYPE,link='d')",
    };
    const script = `import tarfile,io,sys,json,base64
out={}
def make(body):
    b=io.BytesIO()
    t=tarfile.open(fileobj=b,mode='w',format=tarfile.GNU_FORMAT)
    def add(name,typ=tarfile.REGTYPE,data=b'',link=''):
        i=tarfile.TarInfo(name); i.type=typ; i.size=len(data) if typ==tarfile.REGTYPE else 0; i.linkname=link
        t.addfile(i,io.BytesIO(data) if typ==tarfile.REGTYPE else None)
    exec(body)
    t.close(); return base64.b64encode(b.getvalue()).decode()
cases=json.loads(sys.argv[1])
print(json.dumps({k: make(v) for k,v in cases.items()}))`;
    const tars = JSON.parse(execFileSync('python3', ['-c', script, JSON.stringify(cases)], { encoding: 'utf8' })) as Record<string, string>;
    const store = new MemoryStore();
    const trees = new TreeStore(store.blobs);
    const load = (k: string) => importLayer(trees, store.blobs, once(Buffer.from(tars[k]!, 'base64')));
    await expect(load('link')).rejects.toThrow(/not earlier in this layer/);
    await expect(load('dup')).rejects.toThrow(/appears twice/);
    await expect(load('under')).rejects.toThrow(/not a directory/);
    await expect(load('clash')).rejects.toThrow(/also adds/);
    await expect(load('dirlink')).rejects.toThrow(/not a file/);
  });
});
