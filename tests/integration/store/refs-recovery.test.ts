// A refs update that stores a few blobs makes their names and refs.json's name durable
// behind one barrier. refs.json then lists those blobs and how to undo its changes, so
// that after a crash that kept its name without some of theirs, readers see the version
// before it. These tests play that crash by removing a listed blob's file.
import { mkdtemp, readFile, rm, unlink } from 'node:fs/promises';
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
/** The entries of refs.json that are not refs, as written. */
const record = async () => Object.entries(JSON.parse(await refsText()) as Record<string, string>).filter(([k]) => k.startsWith('\u0000'));

beforeEach(async () => {
  root = join(await mkdtemp(join(tmpdir(), 'layerbox-refs-')), 'store');
});
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  await rm(join(root, '..'), { recursive: true, force: true });
});

describe('refs recovery record', () => {
  it('lists the blobs a small commit stored and how to undo it; readers see refs only', async () => {
    const s = await open();
    const a = await s.blobs.put(bytesOf(1, 100));
    await s.commit([{ name: 'tag/keep', value: a }]);
    expect(await record()).toEqual([
      [`\u0000new tag/keep`, a],
      [`\u0000stored ${a}`, a],
    ]);

    const b = await s.blobs.put(bytesOf(2, 100));
    const c = await s.blobs.put(bytesOf(3, 100));
    await s.commit([
      { name: 'tag/keep', value: b },
      { name: 'tag/new', value: c },
    ]);
    expect(await record()).toEqual([
      [`\u0000new tag/new`, c],
      [`\u0000stored ${b}`, b],
      [`\u0000stored ${c}`, c],
      [`\u0000was tag/keep`, a],
    ].sort((x, y) => (x[0]! < y[0]! ? -1 : 1)));
    const expected = [
      ['tag/keep', b],
      ['tag/new', c],
    ];
    expect(await s.refs.list('')).toEqual(expected);
    expect([...parseRefs(await refsText(), 'refs.json')]).toEqual(expected);
    // Another process's view, and the store's own check.
    const other = await open();
    expect(await other.refs.list('')).toEqual(expected);
    expect((await checkStore(other)).ok).toBe(true);
    // A change of refs alone stores no blob and keeps no record.
    await s.commit([{ name: 'tag/new', value: null }]);
    expect(await record()).toEqual([]);
  });

  it('after a crash that lost a listed blob, readers see the version before, and writers build on it', async () => {
    const s = await open();
    const a = await s.blobs.put(bytesOf(1, 100));
    const gone = await s.blobs.put(bytesOf(2, 100));
    await s.commit([
      { name: 'tag/changed', value: a },
      { name: 'tag/removed', value: a },
      { name: 'tag/gone', value: gone },
    ]);
    const before = await s.refs.list('');

    const b = await s.blobs.put(bytesOf(3, 100));
    const c = await s.blobs.put(bytesOf(4, 100));
    await s.commit([
      { name: 'tag/changed', value: b },
      { name: 'tag/removed', value: null },
      { name: 'tag/added', value: c },
    ]);
    // The crash: refs.json's new name reached the disk, c's did not.
    await unlink(blobFile(c));

    const after = await open();
    expect(await after.refs.list('')).toEqual(before);
    expect(await after.refs.get('tag/added')).toBeUndefined();
    expect((await checkStore(after)).ok).toBe(true);
    // The next version starts from the one before the crash.
    const d = await after.blobs.put(bytesOf(5, 100));
    await after.commit([{ name: 'tag/next', value: d }]);
    const reopened = await open();
    expect(await reopened.refs.list('')).toEqual([...before, ['tag/next', d]].sort((x, y) => (x[0]! < y[0]! ? -1 : 1)));
    expect(await record()).toEqual([
      [`\u0000new tag/next`, d],
      [`\u0000stored ${d}`, d],
    ]);
    expect((await checkStore(reopened)).ok).toBe(true);
  });

  it('keeps no record for a batch too large to list; the blobs are named first', async () => {
    const s = await open();
    const many: Digest[] = [];
    for (let i = 0; i < 100; i++) many.push(await s.blobs.put(bytesOf(100 + i, 50)));
    await s.commit(many.map((d, i) => ({ name: `tag/t${i}`, value: d })));
    expect(await record()).toEqual([]);
    expect((await s.refs.list('tag/')).length).toBe(100);
  });

  it('garbage collection keeps the blobs the current version lists until a later version', async () => {
    const s = await open();
    const e = new Engine(s);
    const unreferenced = await s.blobs.put(bytesOf(1, 100));
    const tagged = await s.blobs.put(bytesOf(2, 100));
    await s.commit([{ name: 'tag/x', value: tagged }]);
    // Nothing reaches `unreferenced`, but a reader checks it to trust this version.
    await e.write(() => collectGarbage(e));
    expect(await s.blobs.has(unreferenced)).toBe(true);
    expect(await s.refs.get('tag/x')).toBe(tagged);
    // Once a later version stands, it goes.
    await s.commit([{ name: 'tag/y', value: tagged }]);
    const r = await e.write(() => collectGarbage(e));
    expect(r.deleted).toBe(1);
    expect(await s.blobs.has(unreferenced)).toBe(false);
    expect(await s.blobs.has(tagged)).toBe(true);
    expect((await checkStore(s)).ok).toBe(true);
  });
});
