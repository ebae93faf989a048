// A refs update that stores a few small blobs (a commit) carries their bytes in the new
// refs.json and makes only that file durable before publishing it; the blobs reach the
// disk after. A reader that finds a carried blob lost (a crash before it reached the
// disk) writes it back from refs.json. These tests play that crash by removing or
// spoiling a carried blob's file.
import { mkdtemp, readFile, rm, unlink, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkStore, openFsStore, type FsStore } from '../../../backend/store/index.ts';
import { parseRefs } from '../../../backend/store/fs-ref-store.ts';
import { installNodeHost } from '../../../backend/host.ts';
import type { Digest } from '../../../shared/digest/digest.ts';
import { Engine } from '../../../shared/engine/engine.ts';
import { collectGarbage } from '../../../shared/engine/gc.ts';
import { bytesOf } from '../../suites/store.suite.ts';

installNodeHost();

let root: string;
const stores: FsStore[] = [];
const open = async () => {
  const s = await openFsStore(root);
  stores.push(s);
  return s;
};
const refsText = () => readFile(join(root, 'refs.json'), 'utf8');
const blobFile = (d: Digest) => join(root, 'blobs', 'sha256', d.slice(7));
/** The blobs refs.json carries: digest → bytes in hex. */
const carried = async () =>
  Object.fromEntries(
    Object.entries(JSON.parse(await refsText()) as Record<string, string>)
      .filter(([k]) => k.startsWith('\u0000'))
      .map(([k, v]) => [k.replace(/^\u0000blob /, ''), Buffer.from(v, 'base64').toString('hex')]),
  );
const hex = (i: number, n: number) => Buffer.from(bytesOf(i, n)).toString('hex');
const fileHex = async (d: Digest) => (await readFile(blobFile(d))).toString('hex');

beforeEach(async () => {
  root = join(await mkdtemp(join(tmpdir(), 'layerbox-refs-')), 'store');
});
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  await rm(join(root, '..'), { recursive: true, force: true });
});

/** Store blobs of `bytesOf(seed, size)` and commit them as tag/a, tag/b, …; resolves their digests. */
async function commitTags(s: FsStore, ...blobs: Array<[seed: number, size: number]>): Promise<Digest[]> {
  const ds: Digest[] = [];
  for (const [seed, size] of blobs) ds.push(await s.blobs.put(bytesOf(seed, size)));
  await s.commit(ds.map((d, i) => ({ name: `tag/${String.fromCharCode(97 + i)}`, value: d })));
  return ds;
}

describe('blobs carried in refs.json', () => {
  it('a small commit carries its blobs; readers see refs only; a change of refs alone carries none', async () => {
    const s = await open();
    const [a, b] = (await commitTags(s, [1, 100], [2, 200])) as [Digest, Digest];
    expect(await carried()).toEqual({ [a]: hex(1, 100), [b]: hex(2, 200) });
    const expected = [
      ['tag/a', a],
      ['tag/b', b],
    ];
    expect(await s.refs.list('')).toEqual(expected);
    expect([...parseRefs(await refsText(), 'refs.json')]).toEqual(expected);
    // The blobs are in place too, for this process and others.
    expect(await fileHex(a)).toBe(hex(1, 100));
    const other = await open();
    expect(await other.refs.list('')).toEqual(expected);
    expect((await checkStore(other)).ok).toBe(true);
    await s.commit([{ name: 'tag/b', value: null }]);
    expect(await carried()).toEqual({});
  });

  it('a blob lost in a crash, or left with other bytes, is written back from refs.json by its next reader', async () => {
    const s = await open();
    const [a, b] = (await commitTags(s, [1, 100], [2, 100])) as [Digest, Digest];
    // The crash: a's name never reached the disk; b's did, without its bytes.
    await unlink(blobFile(a));
    await chmod(blobFile(b), 0o644);
    await writeFile(blobFile(b), new Uint8Array(100));
    const after = await open();
    expect(await after.refs.list('')).toEqual([
      ['tag/a', a],
      ['tag/b', b],
    ]);
    expect(await fileHex(a)).toBe(hex(1, 100));
    expect(await fileHex(b)).toBe(hex(2, 100));
    expect((await checkStore(after)).ok).toBe(true);
  });

  it('a refs.json whose copy of a blob does not match its digest is refused', async () => {
    const s = await open();
    await commitTags(s, [1, 100]);
    const copy = Buffer.from(bytesOf(1, 100)).toString('base64');
    expect(await refsText()).toContain(copy);
    const spoiled = (await refsText()).replace(copy, Buffer.from('other bytes').toString('base64'));
    await writeFile(join(root, 'refs.json'), spoiled);
    const other = await open();
    await expect(other.refs.list('')).rejects.toThrow(/refs\.json: the copy of blob "sha256:[0-9a-f]{64}" does not match its digest/);
  });

  it('a batch too large to carry is made durable blob by blob, and refs.json carries nothing', async () => {
    const s = await open();
    const many: Digest[] = [];
    for (let i = 0; i < 100; i++) many.push(await s.blobs.put(bytesOf(100 + i, 50)));
    await s.commit(many.map((d, i) => ({ name: `tag/t${i}`, value: d })));
    expect(await carried()).toEqual({});
    const big = await s.blobs.put(bytesOf(7, 32 * 1024));
    await s.commit([{ name: 'tag/big', value: big }]);
    expect(await carried()).toEqual({});
    expect((await s.refs.list('tag/')).length).toBe(101);
  });

  it('garbage collection keeps the carried blobs until a later version', async () => {
    const s = await open();
    const e = new Engine(s);
    const unreferenced = await s.blobs.put(bytesOf(1, 100));
    const tagged = await s.blobs.put(bytesOf(2, 100));
    await s.commit([{ name: 'tag/x', value: tagged }]);
    // Nothing reaches `unreferenced`, but readers check it against refs.json's copy.
    await e.write(() => collectGarbage(e));
    expect(await s.blobs.has(unreferenced)).toBe(true);
    // Once a later version stands, it goes.
    await s.commit([{ name: 'tag/y', value: tagged }]);
    const r = await e.write(() => collectGarbage(e));
    expect(r.deleted).toBe(1);
    expect(await s.blobs.has(unreferenced)).toBe(false);
    expect(await s.blobs.has(tagged)).toBe(true);
    expect((await checkStore(await open())).ok).toBe(true);
  });
});
