// 3,000 seeded mutations of valid archives through the reader and the skeleton
// recorder: each either reads (and then re-joins byte for byte from its skeleton) or
// fails with a layerbox error. Never another exception, never a hang.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayerboxError } from '../../../shared/errors.ts';
import { joinTar, readTar, SkeletonRecorder, writeTar } from '../../../shared/tar/index.ts';
import { buildTree, chunks, collect, rng, sha256hex, tempDir } from './helpers.ts';

const MUTATIONS = 3000;
/** Fixed, so a failure reproduces; set TAR_FUZZ_SEED to explore further. */
const SEED = Number(process.env.TAR_FUZZ_SEED ?? 20240601);

let dir: string;
const bases: Array<{ name: string; buf: Uint8Array }> = [];

beforeAll(async () => {
  dir = tempDir();
  const tree = path.join(dir, 'tree');
  buildTree(tree, 'full', { devices: false, manyFiles: 6, bigFile: 3000 });
  for (const format of ['gnu', 'posix']) {
    const f = path.join(dir, `${format}.tar`);
    execFileSync('tar', [`--format=${format}`, '--sort=name', '--xattrs', '-cf', f, '-C', tree, 'd', 'links', 'long', 'long2', 'owners', 'xattr', 'times', 'unicode']);
    bases.push({ name: `GNU tar ${format}`, buf: fs.readFileSync(f) });
  }
  const bb = path.join(dir, 'bb.tar');
  execFileSync('/usr/bin/busybox', ['tar', '-cf', bb, '-C', tree, 'd', 'links', 'many']);
  bases.push({ name: 'busybox', buf: fs.readFileSync(bb) });
  // A small pax archive from tarfile: global header, xattrs, devices, long link targets.
  const py = path.join(dir, 'py.tar');
  execFileSync('python3', ['-c', `
import io, sys, tarfile
with tarfile.open(sys.argv[1], 'w', format=tarfile.PAX_FORMAT, pax_headers={'comment': 'g'}) as tf:
    for name, typ, data, extra in [('d/', tarfile.DIRTYPE, b'', {}), ('d/f', tarfile.REGTYPE, b'x' * 700, {'SCHILY.xattr.user.a': 'b'}),
                                   ('d/' + 'n' * 130, tarfile.REGTYPE, b'long', {}), ('d/l', tarfile.SYMTYPE, b'', {}),
                                   ('d/h', tarfile.LNKTYPE, b'', {}), ('d/c', tarfile.CHRTYPE, b'', {})]:
        ti = tarfile.TarInfo(name); ti.type = typ; ti.size = len(data); ti.pax_headers = extra
        ti.linkname = 't' * 120 if typ == tarfile.SYMTYPE else 'd/f' if typ == tarfile.LNKTYPE else ''
        ti.devmajor, ti.devminor, ti.mtime, ti.uid = 1, 3, 1700000000.5, 3000000
        tf.addfile(ti, io.BytesIO(data) if data else None)
`, py]);
  bases.push({ name: 'Python pax', buf: fs.readFileSync(py) });
  bases.push({
    name: 'writeTar',
    buf: await collect(writeTar([
      { path: 'a', type: 'dir' },
      { path: `a/${'p'.repeat(120)}`, type: 'file', body: new Uint8Array(600).fill(1), xattrs: { 'user.q': Uint8Array.of(0, 255) } },
      { path: 'a/s', type: 'symlink', linkname: 'x'.repeat(200) },
      { path: 'a/big', type: 'file', uid: 5_000_000, body: new Uint8Array(10) },
    ])),
  });
}, 120_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** One seeded mutation of `buf`. Half of the header edits fix up the checksum, to get past it. */
function mutate(buf: Uint8Array, random: () => number): { out: Uint8Array; what: string } {
  const int = (n: number) => Math.floor(random() * n);
  const blocks = Math.floor(buf.length / 512);
  const headerish = () => int(blocks) * 512;
  const fixChecksum = (b: Uint8Array, at: number) => {
    if (at + 512 > b.length) return;
    b.fill(0x20, at + 148, at + 156);
    let sum = 0;
    for (let i = at; i < at + 512; i++) sum += b[i]!;
    b.set(new TextEncoder().encode(sum.toString(8).padStart(6, '0') + '\0 '), at + 148);
  };
  const kind = int(8);
  const out = new Uint8Array(buf);
  switch (kind) {
    case 0: {
      // Random bytes anywhere.
      const n = 1 + int(8);
      for (let i = 0; i < n; i++) out[int(out.length)] = int(256);
      return { out, what: `flip ${n} bytes` };
    }
    case 1: {
      const at = int(buf.length);
      return { out: buf.slice(0, at), what: `truncate at ${at}` };
    }
    case 2: {
      // Insert a block: random, zero, or a copy of another block.
      const at = int(blocks + 1) * 512;
      const src = int(3);
      const from = headerish();
      const block = src === 0 ? Uint8Array.from({ length: 512 }, () => int(256)) : src === 1 ? new Uint8Array(512) : buf.slice(from, from + 512);
      const res = new Uint8Array(buf.length + 512);
      res.set(buf.subarray(0, at));
      res.set(block, at);
      res.set(buf.subarray(at), at + 512);
      return { out: res, what: `insert block at ${at}` };
    }
    case 3: {
      const at = int(blocks) * 512;
      const res = new Uint8Array(buf.length - 512);
      res.set(buf.subarray(0, at));
      res.set(buf.subarray(at + 512), at);
      return { out: res, what: `delete block at ${at}` };
    }
    default: {
      // Edit a field of a block as if it were a header: numbers, names, type, magic.
      const at = headerish();
      const fields: Array<[number, number]> = [[0, 100], [100, 8], [108, 8], [116, 8], [124, 12], [136, 12], [156, 1], [157, 100], [257, 8], [329, 8], [337, 8], [345, 155]];
      const [off, len] = fields[int(fields.length)]!;
      const style = int(6);
      for (let i = 0; i < len; i++) {
        const p = at + off + i;
        if (p >= out.length) break;
        if (style === 0) out[p] = int(256);
        else if (style === 1) out[p] = 0x30 + int(8); // octal digits, no terminator
        else if (style === 2) out[p] = i === 0 ? 0x80 | int(128) : int(256); // base-256
        else if (style === 3) out[p] = i === 0 ? 0xff : int(256); // negative base-256
        else if (style === 4) out[p] = '0x1LKgSV57.\0/'.charCodeAt(int(13)); // type flags, dots, slashes
        else out[p] = i < len - 1 ? 0x37 : 0; // largest octal
      }
      if (random() < 0.5) fixChecksum(out, at);
      return { out, what: `field ${off}+${len} style ${style} of block at ${at}` };
    }
  }
}

describe('fuzz', () => {
  it(`${MUTATIONS} mutations: typed errors or an exact round trip`, { timeout: 300_000 }, async () => {
    const random = rng(SEED);
    let accepted = 0;
    let rejected = 0;
    const kinds = new Map<string, number>();
    for (let i = 0; i < MUTATIONS; i++) {
      const base = bases[i % bases.length]!;
      const { out, what } = mutate(base.buf, random);
      const store = new Map<string, Uint8Array>();
      const rec = new SkeletonRecorder();
      const chunk = 1 + Math.floor(random() * 2048);
      try {
        for await (const e of readTar(chunks(out, chunk), { sink: rec, maxHeaderBytes: 64 * 1024, maxTrailerBytes: 64 * 1024 })) {
          if (e.type === 'file' && random() < 0.8) store.set(e.digest!, await collect(e.body()));
        }
        // Skipped bodies are hashed as they pass; fetch their bytes for the join from the input.
        const rejoined = await collect(joinTar(rec.skeleton(), async (d) => chunks(store.get(d) ?? (await findContent(out, d)), 100)));
        expect(sha256hex(rejoined), `${base.name}: ${what}`).toBe(sha256hex(out));
        accepted++;
      } catch (e) {
        if (!(e instanceof LayerboxError)) {
          throw new Error(`seed ${SEED}, mutation ${i} of ${base.name} (${what}) threw a non-layerbox error: ${String(e)}`, { cause: e });
        }
        kinds.set(e.name, (kinds.get(e.name) ?? 0) + 1);
        rejected++;
      }
    }
    // The mutations must exercise both outcomes and several error kinds.
    expect(accepted).toBeGreaterThan(MUTATIONS * 0.05);
    expect(rejected).toBeGreaterThan(MUTATIONS * 0.3);
    expect([...kinds.keys()].sort()).toEqual(expect.arrayContaining(['DataLossError', 'InvalidArgumentError']));
  });
});

/** A skipped file's content, found again by reading the (accepted) mutated archive once more. */
async function findContent(buf: Uint8Array, digest: string): Promise<Uint8Array> {
  for await (const e of readTar(chunks(buf, 4096), { digests: true, maxHeaderBytes: 64 * 1024, maxTrailerBytes: 64 * 1024 })) {
    const c = await collect(e.body());
    if (e.digest === digest) return c;
  }
  throw new Error(`content ${digest} not found on a second read`);
}
