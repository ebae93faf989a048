import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installNodeHost } from '../../../backend/host.ts';
import { nodeCatalog } from '../../../backend/catalog.ts';
import { nodeWorkerPool } from '../../../backend/process/node-workers.ts';
import { openFsStore, type FsStore } from '../../../backend/store/index.ts';
import { ensureImage } from '../../../shared/engine/catalog.ts';
import { createContainer, getContainer, listContainers } from '../../../shared/engine/containers.ts';
import { Engine } from '../../../shared/engine/engine.ts';
import { collectGarbage } from '../../../shared/engine/gc.ts';
import { removeImage } from '../../../shared/engine/image-remove.ts';
import { prune } from '../../../shared/engine/prune.ts';
import { checkReferences } from '../../../shared/engine/check.ts';
import type { WorkerPool } from '../../../shared/process/worker-pool.ts';
import { ContainerHost } from '../../../shared/runtime/container-host.ts';
import { MemoryLogStore } from '../../../shared/runtime/log.ts';

installNodeHost();
let pool: WorkerPool;
beforeAll(async () => {
  pool = await nodeWorkerPool();
});
afterAll(() => pool?.close?.());

let dir: string;
let stores: FsStore[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'layerbox-volatile-'));
});
afterEach(async () => {
  for (const s of stores) await s.close();
  stores = [];
  await rm(dir, { recursive: true, force: true });
});

async function engine(): Promise<Engine> {
  const store = await openFsStore(join(dir, 'store'));
  stores.push(store);
  return new Engine(store, { catalog: nodeCatalog });
}

const refsFile = async () => JSON.parse(await readFile(join(dir, 'store', 'refs.json'), 'utf8')) as Record<string, string>;

describe('volatile records on disk', () => {
  it('put, get, list by namespace, replace and delete; bad names are refused', async () => {
    const store = (await engine()).store as FsStore;
    const v = store.volatile;
    const enc = (s: string) => new TextEncoder().encode(s);
    await v.put('container/b', enc('B'));
    await v.put('container/a', enc('A1'));
    await v.put('container/a', enc('A2'));
    await v.put('other/x', enc('X'));
    expect(new TextDecoder().decode(await v.get('container/a'))).toBe('A2');
    expect((await v.list('container/')).map(([n, b]) => `${n}=${new TextDecoder().decode(b)}`)).toEqual(['container/a=A2', 'container/b=B']);
    await v.delete('container/a');
    await v.delete('container/a');
    expect(await v.get('container/a')).toBeUndefined();
    expect(await readdir(join(dir, 'store', 'tmp'))).toEqual([]);
    await expect(v.put('../escape', enc('x'))).rejects.toThrow(/invalid record name/);
    expect(await v.get('container/repo/image')).toBeUndefined();
    await expect(v.put('container/a/b', enc('x'))).rejects.toThrow(/invalid record name/);
  });
});

describe('a --rm container', () => {
  it('is recorded outside refs.json, seen by another engine on the store while it runs, and gone when it exits', async () => {
    const e = await engine();
    await ensureImage(e, 'box');
    const host = new ContainerHost(e, { pool: async () => pool }, new MemoryLogStore(), process.pid);
    // The first container of an image caches the image's merged root (a durable ref).
    expect((await (await host.run({ image: 'box', cmd: ['true'], autoRemove: true })).done).status).toBe(0);
    const before = await refsFile();
    const r = await host.run({ image: 'box', name: 'quick', cmd: ['sleep', '30'], autoRemove: true });
    const other = await engine();
    const seen = (await getContainer(other, 'quick')).state;
    expect(seen.State).toMatchObject({ Running: true, Pid: process.pid });
    expect(seen.HostConfig.AutoRemove).toBe(true);
    // Nothing durable changed for it.
    expect(await refsFile()).toEqual(before);
    // Its image is in use, and garbage collection keeps what it runs on.
    await expect(e.write(() => removeImage(e, 'box', { force: true }))).rejects.toThrow(/being used by running container/);
    await e.write(() => collectGarbage(e));
    expect(await checkReferences(other)).toEqual([]);
    await expect(e.trees.dir(seen.Lower.tree)).resolves.toBeDefined();
    r.kill('KILL');
    expect((await r.done).status).toBe(137);
    expect(await listContainers(other)).toEqual([]);
    expect(await readdir(join(dir, 'store', 'volatile', 'container'))).toEqual([]);
  });

  it('a created --rm container is pruned like any stopped one; other containers stay behind refs', async () => {
    const e = await engine();
    await ensureImage(e, 'box');
    const rmc = await e.write(() => createContainer(e, { image: 'box', cmd: ['true'], autoRemove: true }));
    const kept = await e.write(() => createContainer(e, { image: 'box', cmd: ['true'] }));
    const refs = await refsFile();
    expect(Object.keys(refs)).toContain(`container/${kept.Id}`);
    expect(Object.keys(refs)).not.toContain(`container/${rmc.Id}`);
    expect((await listContainers(e)).map((c) => c.Id).sort()).toEqual([rmc.Id, kept.Id].sort());
    const out = await e.write(() => prune(e, { containers: true }));
    expect(out.containers.sort()).toEqual([rmc.Id, kept.Id].sort());
    expect(await listContainers(e)).toEqual([]);
  });

  it('a name taken by a --rm container is refused to the next one', async () => {
    const e = await engine();
    await ensureImage(e, 'box');
    await e.write(() => createContainer(e, { image: 'box', name: 'nn', cmd: ['true'], autoRemove: true }));
    await expect(e.write(() => createContainer(e, { image: 'box', name: 'nn', cmd: ['true'] }))).rejects.toThrow(/already in use/);
  });
});
