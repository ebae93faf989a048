import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../shared/store/memory-store.ts';
import { Engine } from '../../../shared/engine/engine.ts';
import { ensureImage, seedStore, type Catalog } from '../../../shared/engine/catalog.ts';
import { getImage, listImages } from '../../../shared/engine/images.ts';
import { imageRootfs } from '../../../shared/engine/rootfs.ts';
import { UnionFs } from '../../../shared/unionfs/unionfs.ts';
import { MutableDir, EMPTY_META } from '../../../shared/tree/mutable.ts';
import { build } from '../../../shared/build/builder.ts';
import { MemoryContext } from '../../../shared/build/context.ts';
import { boxRecipe } from '../../../wasm/images/box.ts';
import { sectionNames } from '../../../shared/process/wasm-binary.ts';

/** A valid empty wasm module carrying a `layerbox.applets` custom section. */
function moduleWithApplets(names: string[]): Uint8Array {
  const enc = new TextEncoder();
  const sectionName = enc.encode('layerbox.applets');
  const payload = enc.encode(names.join('\n'));
  const body = [sectionName.length, ...sectionName, ...payload];
  return new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0, body.length, ...body]);
}

function catalog(module: Uint8Array): Catalog {
  return {
    names: ['box:latest'],
    recipe: async (n) => (n === 'box:latest' ? boxRecipe(module, sectionNames(module, 'layerbox.applets')) : undefined),
  };
}

const engine = (module: Uint8Array) => new Engine(new MemoryStore(), { catalog: catalog(module), now: () => Date.parse('2026-11-27T12:00:00Z') });

describe('built-in images', () => {
  const mod = moduleWithApplets(['sh', 'ls', 'cat', 'box']);

  it('reads applet names from the custom section without compiling', () => {
    expect(sectionNames(mod, 'layerbox.applets')).toEqual(['sh', 'ls', 'cat', 'box']);
    expect(sectionNames(mod, 'other')).toEqual([]);
    expect(sectionNames(new Uint8Array([1, 2, 3]), 'layerbox.applets')).toEqual([]);
  });

  it('box is deterministic: the same inputs give the same image ID in any store, at any time', async () => {
    const a = engine(mod);
    await seedStore(a);
    const b = new Engine(new MemoryStore(), { catalog: catalog(mod), now: () => Date.parse('2030-01-01T00:00:00Z') });
    await seedStore(b);
    const ia = await getImage(a, 'box');
    const ib = await getImage(b, 'box');
    expect(ia.id).toBe(ib.id);
    const other = engine(moduleWithApplets(['sh']));
    await seedStore(other);
    expect((await getImage(other, 'box')).id).not.toBe(ia.id);
  });

  it('box has the userland, applet links, users, and the usual folders with their modes', async () => {
    const e = engine(mod);
    const img = await ensureImage(e, 'box');
    expect(img.config.os).toBe('wasi');
    expect(img.config.config?.Cmd).toEqual(['sh']);
    const { root } = await imageRootfs(e, img);
    const fs = new UnionFs(e.trees, root, new MutableDir(EMPTY_META, { implicit: true }));
    expect(await fs.readFile('/bin/box')).toEqual(mod);
    const sh = await fs.lstat('/bin/sh');
    expect(sh?.type === 'symlink' && sh.target).toBe('box');
    expect(await fs.lstat('/bin/ls')).toMatchObject({ type: 'symlink' });
    expect(await fs.lstat('/tmp')).toMatchObject({ type: 'dir', mode: 0o1777 });
    expect(await fs.lstat('/root')).toMatchObject({ type: 'dir', mode: 0o700 });
    expect(await fs.lstat('/home/user')).toMatchObject({ type: 'dir', uid: 1000, gid: 1000 });
    const passwd = new TextDecoder().decode(await fs.readFile('/etc/passwd'));
    expect(passwd).toMatch(/^root:x:0:0:/m);
    expect(passwd).toMatch(/^user:x:1000:1000:/m);
    expect(passwd).toMatch(/^nobody:x:65534:/m);
  });

  it('FROM box makes the image when the store lacks it; an unknown image lists what exists', async () => {
    const e = engine(mod);
    expect(await listImages(e)).toEqual([]);
    const r = await e.write(() => build(e, { context: new MemoryContext({ Dockerfile: 'FROM box\nENV A=1\n' }), tags: ['mine'] }));
    expect((await getImage(e, 'mine')).id).toBe(r.id);
    expect((await listImages(e)).flatMap((i) => i.tags).sort()).toEqual(['box:latest', 'mine:latest']);
    const failing = e.write(() => build(e, { context: new MemoryContext({ Dockerfile: 'FROM alpine\n' }) }));
    await expect(failing).rejects.toThrow(/Dockerfile:1: FROM alpine: Unable to find image 'alpine'.*box:latest, mine:latest.*layerbox load -i/);
  });
});
