// What the fs store puts on disk and how it treats what it finds there.
import { spawnSync } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkStore,
  defaultStoreRoot,
  describeCheck,
  openFsStore,
  type FsStore,
} from '../../../backend/store/index.ts';
import { parseRefs } from '../../../backend/store/fs-ref-store.ts';
import { selfOwner, tempName } from '../../../backend/store/temp-file.ts';
import { sha256 } from '../../../shared/digest/hasher.ts';
import { FailedPreconditionError, UnavailableError } from '../../../shared/errors.ts';
import { bytesOf } from '../../suites/store.suite.ts';
import { StoreProcess } from './process-harness.ts';

let root: string;
const stores: FsStore[] = [];
const open = async (opts?: Parameters<typeof openFsStore>[1]) => {
  const s = await openFsStore(root, opts);
  stores.push(s);
  return s;
};

beforeEach(async () => {
  root = join(await mkdtemp(join(tmpdir(), 'layerbox-fs-')), 'store');
});
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  await rm(join(root, '..'), { recursive: true, force: true });
});

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('layout', () => {
  it('creates layout-version, refs.json, blobs/sha256, tmp and recycled', async () => {
    await open();
    expect((await readdir(root)).sort()).toEqual(['blobs', 'layout-version', 'recycled', 'refs.json', 'tmp']);
    expect(await readFile(join(root, 'layout-version'), 'utf8')).toBe('1\n');
    expect(JSON.parse(await readFile(join(root, 'refs.json'), 'utf8'))).toEqual({});
    expect(await readdir(join(root, 'blobs'))).toEqual(['sha256']);
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });

  it('stages under tmp/ and publishes read-only files named by digest at flush', async () => {
    const s = await open();
    const d = await s.blobs.put(bytesOf(1, 500));
    expect(await readdir(join(root, 'blobs', 'sha256'))).toEqual([]);
    expect((await readdir(join(root, 'tmp'))).length).toBe(1);
    await s.blobs.flush();
    const hex = d.slice(7);
    expect(await readdir(join(root, 'blobs', 'sha256'))).toEqual([hex]);
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
    const st = await stat(join(root, 'blobs', 'sha256', hex));
    expect(st.mode & 0o777).toBe(0o444);
    expect(new Uint8Array(await readFile(join(root, 'blobs', 'sha256', hex)))).toEqual(bytesOf(1, 500));
  });

  it('does not rewrite a blob that is already stored', async () => {
    const s = await open();
    const d = await s.blobs.put(bytesOf(2, 500));
    await s.blobs.flush();
    const before = await stat(join(root, 'blobs', 'sha256', d.slice(7)));
    const other = await open();
    await other.blobs.put(bytesOf(2, 500));
    await other.blobs.ingest((async function* () { yield bytesOf(2, 500); })(), { digest: d });
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
    await other.blobs.flush();
    const after = await stat(join(root, 'blobs', 'sha256', d.slice(7)));
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it('failed writes leave no temp file', async () => {
    const s = await open();
    await expect(s.blobs.put(bytesOf(3, 10), sha256('other'))).rejects.toThrow(/digest mismatch/);
    await expect(s.blobs.ingest((async function* () { yield bytesOf(3, 10); })(), { size: 9 })).rejects.toThrow(
      /more than the expected 9 bytes/,
    );
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
    await s.blobs.put(bytesOf(4, 10));
    await s.blobs.discard();
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });

  it('writes refs.json sorted, one ref per line', async () => {
    const s = await open();
    await s.refs.update([
      { name: 'tag/b', value: sha256('b') },
      { name: 'image/a', value: sha256('a') },
      { name: 'tag/a', value: sha256('c') },
    ]);
    const text = await readFile(join(root, 'refs.json'), 'utf8');
    expect(text).toBe(
      `{\n"image/a": "${sha256('a')}",\n"tag/a": "${sha256('c')}",\n"tag/b": "${sha256('b')}"\n}\n`,
    );
    expect([...parseRefs(text, 'refs.json')]).toEqual(await s.refs.list(''));
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });

  it('refuses a non-empty folder that is not a store, and an unknown layout version', async () => {
    await mkdir(root, { recursive: true });
    await writeFile(join(root, 'notes.txt'), 'mine');
    await expect(openFsStore(root)).rejects.toThrow(FailedPreconditionError);
    await expect(openFsStore(root)).rejects.toThrow(/is not empty and holds no layerbox store \(found notes.txt\)/);
    expect(await readdir(root)).toEqual(['notes.txt']);

    const other = join(root, '..', 'v2');
    await mkdir(other);
    await writeFile(join(other, 'layout-version'), '2\n');
    await expect(openFsStore(other)).rejects.toThrow(/layout version "2"; this layerbox reads version 1/);
  });

  it('completes a store whose creation was interrupted', async () => {
    await mkdir(join(root, 'blobs'), { recursive: true });
    const s = await open();
    expect((await readdir(root)).sort()).toEqual(['blobs', 'layout-version', 'recycled', 'refs.json', 'tmp']);
    expect((await checkStore(s)).ok).toBe(true);
  });

  it('takes its default root from LAYERBOX_ROOT, then XDG_DATA_HOME, then HOME', () => {
    expect(defaultStoreRoot({ LAYERBOX_ROOT: '/srv/lb', XDG_DATA_HOME: '/x', HOME: '/h' })).toBe('/srv/lb');
    expect(defaultStoreRoot({ XDG_DATA_HOME: '/x', HOME: '/h' })).toBe('/x/layerbox');
    expect(defaultStoreRoot({ HOME: '/h' })).toBe('/h/.local/share/layerbox');
  });
});

describe('recycled files', () => {
  const inode = async (d: string) => (await stat(join(root, 'blobs', 'sha256', d.slice(7)))).ino;

  it('a deleted blob file is emptied into recycled/, and the next new blob reuses it', async () => {
    const s = await open();
    const old = await s.blobs.put(bytesOf(10, 300_000));
    await s.blobs.flush();
    const ino = await inode(old);
    await s.blobs.delete(old);
    expect(await readdir(join(root, 'blobs', 'sha256'))).toEqual([]);
    const [kept] = await readdir(join(root, 'recycled'));
    const st = await stat(join(root, 'recycled', kept!));
    expect({ ino: st.ino, size: st.size, blocks: st.blocks }).toEqual({ ino, size: 0, blocks: 0 });

    // put and ingest both take it; the blob is whole, read-only, and the pool is empty.
    const d = await s.blobs.ingest((async function* () { yield bytesOf(11, 5000); yield bytesOf(12, 70_000); })());
    await s.blobs.flush();
    expect(await inode(d.digest)).toBe(ino);
    expect(await readdir(join(root, 'recycled'))).toEqual([]);
    const path = join(root, 'blobs', 'sha256', d.digest.slice(7));
    expect((await stat(path)).mode & 0o777).toBe(0o444);
    expect(new Uint8Array(await readFile(path))).toEqual(new Uint8Array([...bytesOf(11, 5000), ...bytesOf(12, 70_000)]));
    expect((await checkStore(s)).ok).toBe(true);
  });

  it('a file left full in recycled/ (a crash before it was emptied) is emptied by its taker', async () => {
    await mkdir(join(root, 'recycled'), { recursive: true });
    const s = await open();
    await writeFile(join(root, 'recycled', 'leftover'), bytesOf(13, 100_000), { mode: 0o444 });
    const d = await s.blobs.put(bytesOf(14, 2000));
    await s.blobs.flush();
    expect(await readdir(join(root, 'recycled'))).toEqual([]);
    expect(new Uint8Array(await readFile(join(root, 'blobs', 'sha256', d.slice(7))))).toEqual(bytesOf(14, 2000));
    expect((await checkStore(s)).ok).toBe(true);
  });

  it('a blob file with another name is deleted, not emptied', async () => {
    const s = await open();
    const d = await s.blobs.put(bytesOf(15, 4000));
    await s.blobs.flush();
    const other = join(root, '..', 'linked');
    spawnSync('ln', [join(root, 'blobs', 'sha256', d.slice(7)), other]);
    await s.blobs.delete(d);
    expect(await readdir(join(root, 'recycled'))).toEqual([]);
    expect(new Uint8Array(await readFile(other))).toEqual(bytesOf(15, 4000));
  });

  it('a store with spare files makes them ahead after each operation; new blobs and refs.json take them', async () => {
    const s = await open({ spareFiles: 4 });
    const spares = async () => {
      const names = await readdir(join(root, 'recycled'));
      return new Map(await Promise.all(names.map(async (n) => [(await stat(join(root, 'recycled', n))).ino, n] as const)));
    };
    const made = async () => {
      for (let i = 0; i < 200 && (await readdir(join(root, 'recycled'))).length < 4; i++) await new Promise((r) => setTimeout(r, 10));
      return spares();
    };
    await s.blobs.put(bytesOf(20, 100));
    await s.blobs.flush();
    const first = await made();
    expect(first.size).toBe(4);
    const d = await s.blobs.put(bytesOf(21, 100));
    await s.commit([{ name: 'x', value: d }]);
    expect(first.has(await inode(d))).toBe(true);
    const refsFile = await stat(join(root, 'refs.json'));
    expect(first.has(refsFile.ino)).toBe(true);
    expect(refsFile.mode & 0o777).toBe(0o644);
    expect((await s.refs.get('x'))).toBe(d);
    expect((await made()).size).toBe(4);
    expect((await checkStore(s)).ok).toBe(true);
  });

  it.runIf(process.getuid?.() === 0)('works for a user who may not write a 0444 file: blobs stay 0444, refs.json 0644', async () => {
    await mkdir(root, { recursive: true });
    await chown(join(root, '..'), 65534, 65534);
    await chown(root, 65534, 65534);
    const p = new StoreProcess('recycle', root, undefined, 65534);
    const a = Number((await p.line(/^a /)).split(' ')[1]);
    const [, ino, digest] = (await p.line(/^b /)).split(' ');
    await p.done();
    const blob = await stat(join(root, 'blobs', 'sha256', digest!.slice(7)));
    expect({ ino: blob.ino, mode: blob.mode & 0o777, uid: blob.uid }).toEqual({ ino: Number(ino), mode: 0o444, uid: 65534 });
    expect(blob.ino).toBe(a);
    expect(new TextDecoder().decode(await readFile(join(root, 'blobs', 'sha256', digest!.slice(7))))).toBe('second');
    expect((await stat(join(root, 'refs.json'))).mode & 0o777).toBe(0o644);
    expect(await readdir(join(root, 'recycled'))).toEqual([]);
    expect((await checkStore(await open())).ok).toBe(true);
  });

  it('two stores on one root never take the same file', async () => {
    const a = await open();
    const digests = [];
    for (let i = 0; i < 20; i++) digests.push(await a.blobs.put(bytesOf(100 + i, 1000)));
    await a.blobs.flush();
    for (const d of digests) await a.blobs.delete(d);
    expect((await readdir(join(root, 'recycled'))).length).toBe(20);
    const b = await open();
    const written = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).blobs.put(bytesOf(200 + i, 3000 + i))),
    );
    await Promise.all([a.blobs.flush(), b.blobs.flush()]);
    const inodes = await Promise.all(written.map(inode));
    expect(new Set(inodes).size).toBe(30);
    for (const [i, d] of written.entries()) {
      expect(new Uint8Array(await readFile(join(root, 'blobs', 'sha256', d.slice(7))))).toEqual(bytesOf(200 + i, 3000 + i));
    }
    expect(await readdir(join(root, 'recycled'))).toEqual([]);
  });
});

describe('temp files of dead processes', () => {
  it('are removed when the store opens; live ones and unknown names are kept', async () => {
    await open();
    const tmp = join(root, 'tmp');
    const dead = `${deadPid()}-${selfOwner().start}-0a1b2c.blob`;
    // Same pid as this process, different start time: a previous process that had our pid.
    const reused = `${process.pid}-${selfOwner().start + 1}-0a1b2c.blob`;
    const live = tempName('blob');
    await Promise.all([dead, reused, live, 'stray-name'].map((n) => writeFile(join(tmp, n), 'x')));

    const before = await checkStore(stores[0]!);
    expect(before.strayTempFiles.sort()).toEqual([`tmp/${dead}`, `tmp/${reused}`].sort());
    expect(before.unexpectedFiles).toEqual(['tmp/stray-name']);
    expect(before.ok).toBe(false);

    const s = await open();
    expect((await readdir(tmp)).sort()).toEqual([live, 'stray-name'].sort());
    const after = await checkStore(s);
    expect(after.strayTempFiles).toEqual([]);
  });

  it('are left alone while the lock is held, and cleaned by a later open', async () => {
    const first = await open();
    const dead = `${deadPid()}-1-0a1b2c.blob`;
    await writeFile(join(root, 'tmp', dead), 'x');
    let inside: string[] = [];
    await first.lock(async () => {
      // Opening an existing store does not wait for the lock.
      await open({ timeoutMs: 0 });
      inside = await readdir(join(root, 'tmp'));
    });
    expect(inside).toEqual([dead]);
    await open();
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });
});

describe('checkStore', () => {
  it('is clean for a healthy store', async () => {
    const s = await open();
    const ds = await Promise.all([1, 2, 3].map((i) => s.blobs.put(bytesOf(i, 100 * i))));
    await s.blobs.flush();
    await s.refs.update(ds.map((d, i) => ({ name: `tag/${i}`, value: d })));
    const r = await checkStore(s);
    expect(r).toMatchObject({ ok: true, blobs: 3, refs: 3, corruptBlobs: [], danglingRefs: [], strayTempFiles: [], unexpectedFiles: [] });
    expect(describeCheck(r).at(-1)).toBe(`${root}: 3 blobs, 3 refs: ok`);
  });

  it('reports a blob whose bytes were changed by hand, and a ref whose blob is gone', async () => {
    const s = await open();
    const good = await s.blobs.put(bytesOf(10, 1000));
    const bad = await s.blobs.put(bytesOf(11, 1000));
    const gone = await s.blobs.put(bytesOf(12, 1000));
    await s.blobs.flush();
    await s.refs.update([
      { name: 'tag/good', value: good },
      { name: 'tag/bad', value: bad },
      { name: 'tag/gone', value: gone },
    ]);
    const badPath = join(root, 'blobs', 'sha256', bad.slice(7));
    const tampered = bytesOf(11, 1000);
    tampered[500] ^= 1;
    await chmod(badPath, 0o644);
    await writeFile(badPath, tampered);
    await rm(join(root, 'blobs', 'sha256', gone.slice(7)));
    await writeFile(join(root, 'blobs', 'sha256', 'README'), 'not a blob');

    const r = await checkStore(s);
    expect(r.ok).toBe(false);
    expect(r.corruptBlobs).toEqual([{ digest: bad, actual: sha256(tampered) }]);
    expect(r.danglingRefs).toEqual([{ name: 'tag/gone', digest: gone }]);
    expect(r.unexpectedFiles).toEqual(['blobs/sha256/README']);
    const text = describeCheck(r).join('\n');
    expect(text).toContain(`corrupt blob ${bad}: content hashes to ${sha256(tampered)}`);
    expect(text).toContain(`ref tag/gone points to missing blob ${gone}`);
  });

  it('reports an unreadable refs.json', async () => {
    const s = await open();
    await writeFile(join(root, 'refs.json'), '{"tag/x": "sha256:nothex"}');
    const r = await checkStore(s);
    expect(r.ok).toBe(false);
    expect(r.refsError).toMatch(/refs\.json: ref "tag\/x" has invalid target/);
    await expect(s.refs.get('tag/x')).rejects.toThrow(/invalid target/);
  });
});

describe('refs.json replacement', () => {
  it('readers of the file never see a partial version', async () => {
    const s = await open();
    let stop = false;
    let reads = 0;
    let failure: unknown;
    const reader = (async () => {
      while (!stop) {
        const text = await readFile(join(root, 'refs.json'), 'utf8');
        parseRefs(text, 'refs.json');
        reads++;
      }
    })().catch((e: unknown) => {
      failure = e;
    });
    for (let i = 0; i < 40; i++) {
      await s.refs.update(Array.from({ length: 50 }, (_, j) => ({ name: `cache/${i}/${j}`, value: sha256(`${i}/${j}`) })));
    }
    stop = true;
    await reader;
    expect(failure).toBeUndefined();
    expect(reads).toBeGreaterThan(0);
    expect((await s.refs.list('cache/')).length).toBe(2000);
  });

  it('another handle sees each new version, even when versions have the same size', async () => {
    const s = await open();
    const other = await open();
    for (let i = 0; i < 30; i++) {
      await s.refs.update([{ name: 'tag/x', value: sha256(String(i)) }]);
      expect(await other.refs.get('tag/x')).toBe(sha256(String(i)));
    }
  });
});

describe('lock waiting', () => {
  it('tells the waiter the lock is held and gives up after the timeout with UnavailableError', async () => {
    const a = await open();
    const messages: string[] = [];
    const b = await open({ noticeAfterMs: 0, timeoutMs: 300, onWait: (m) => messages.push(m) });
    let ran = false;
    await a.lock(async () => {
      const err = await b.lock(async () => (ran = true)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnavailableError);
      expect((err as Error).message).toBe(`lock on ${root} held by another user of the store in this process: gave up after 0 s`);
    });
    expect(ran).toBe(false);
    expect(messages).toEqual([`waiting for another user of the store in this process to release the lock on ${root}`]);
    expect(await b.lock(async () => 'free')).toBe('free');
  });

  it('refs.update takes the lock itself, and joins it when the caller holds it', async () => {
    const a = await open();
    const b = await open({ timeoutMs: 200 });
    await a.lock(async () => {
      await a.refs.update([{ name: 'tag/a', value: sha256('a') }]);
      await expect(b.refs.update([{ name: 'tag/b', value: sha256('b') }])).rejects.toBeInstanceOf(UnavailableError);
    });
    await b.refs.update([{ name: 'tag/b', value: sha256('b') }]);
    expect(await a.refs.list('tag/')).toEqual([
      ['tag/a', sha256('a')],
      ['tag/b', sha256('b')],
    ]);
  });
});
