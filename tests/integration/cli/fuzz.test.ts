// Mutation fuzzing of image loading: 2,400 seeded mutations (byte flips, truncations,
// block duplications and deletions, tar header field edits, JSON edits) of a tiny image
// archive that `layerbox save` wrote, and of the same image as a docker-archive with
// uncompressed layers, fed to the in-process loader. Every failure must be a
// LayerboxError and must leave the store's refs and stored blobs as they were. A case
// that fails prints its seed and mutation, so it can be replayed. Then a few dozen of the
// failing archives go through the real CLI against a store on disk, which must stay
// byte-identical and pass `system check`.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { installNodeHost } from '../../../backend/host.ts';
import { Engine } from '../../../shared/engine/engine.ts';
import { LayerboxError } from '../../../shared/errors.ts';
import { openMaybeGzip } from '../../../shared/layer/decompress.ts';
import { filesOfTar } from '../../../shared/oci/archive-source.ts';
import { loadImages } from '../../../shared/oci/load.ts';
import { MemoryStore } from '../../../shared/store/index.ts';
import { makeTempDir, removeTree, run } from '../../harness/peers.ts';
import { expectOneLineError, expectStoreChecks, layerbox, layerboxFails, listStore, prng } from './cli.ts';

installNodeHost();

const MUTATIONS_PER_BASE = 1200;
const SEED = 0x1a7e_b0c5;
/** The same limits in process and for the CLI, so both judge an archive alike. */
const MAX_UNCOMPRESSED = 64 * 1024 * 1024;
/** Generous: a case that takes this long is a hang, not a slow machine. */
const CASE_TIMEOUT_MS = 30_000;
const CLI_CASES = 36;

const BLOCK = 512;
const enc = new TextEncoder();

/** The docker-archive view of a saved archive, with every layer decompressed (a docker save look-alike). */
const UNCOMPRESS = String.raw`
import gzip, io, json, sys, tarfile
src, dst = sys.argv[1:3]
with tarfile.open(src) as s:
    files = {m.name: s.extractfile(m).read() for m in s if m.isfile()}
manifest = json.loads(files["manifest.json"])
out = []
for i, entry in enumerate(manifest):
    layers = []
    for j, path in enumerate(entry["Layers"]):
        data = files[path]
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        name = "%d-%d/layer.tar" % (i, j)
        out.append((name, data))
        layers.append(name)
    config = entry["Config"].split("/")[-1] + ".json"
    out.append((config, files[entry["Config"]]))
    entry["Config"], entry["Layers"] = config, layers
out.append(("manifest.json", json.dumps(manifest).encode()))
with tarfile.open(dst, "w", format=tarfile.USTAR_FORMAT) as d:
    for name, data in out:
        ti = tarfile.TarInfo(name)
        ti.size, ti.mode, ti.mtime = len(data), 0o644, 946684800
        d.addfile(ti, io.BytesIO(data))
`;

interface Member {
  /** Offset of the header block and of the data. */
  header: number;
  data: number;
  size: number;
  name: string;
}

/**
 * The members of the outer archive, walked by header sizes. A few lines suffice for the
 * well-formed ustar the test itself starts from; mutated input is never parsed here.
 */
function outerMembers(b: Uint8Array): Member[] {
  const out: Member[] = [];
  let at = 0;
  while (at + BLOCK <= b.length && b.subarray(at, at + BLOCK).some((x) => x !== 0)) {
    const name = new TextDecoder().decode(b.subarray(at, at + 100)).replace(/\0.*$/s, '');
    const size = parseInt(new TextDecoder().decode(b.subarray(at + 124, at + 136)).replace(/\0.*$/s, '').trim() || '0', 8);
    out.push({ header: at, data: at + BLOCK, size, name });
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return out;
}

/** Offsets of every block that looks like a ustar header, outer or inside an uncompressed layer. */
function headerOffsets(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let at = 0; at + BLOCK <= b.length; at += BLOCK) {
    if (b[at + 257] === 0x75 && b[at + 258] === 0x73 && b[at + 259] === 0x74 && b[at + 260] === 0x61 && b[at + 261] === 0x72) out.push(at);
  }
  return out;
}

function setChecksum(b: Uint8Array, at: number): void {
  b.fill(0x20, at + 148, at + 156);
  let sum = 0;
  for (let i = at; i < at + BLOCK; i++) sum += b[i]!;
  b.set(enc.encode(sum.toString(8).padStart(6, '0') + '\0 '), at + 148);
}

const FIELDS = {
  name: [0, 100],
  mode: [100, 8],
  uid: [108, 8],
  size: [124, 12],
  mtime: [136, 12],
  typeflag: [156, 1],
  linkname: [157, 100],
  prefix: [345, 155],
} as const;

const NAMES = ['../x', '/abs', '', '.', '..', 'a/../../b', 'etc/.wh...', '.wh..wh..opq', 'dir/.wh.a', 'dir/a', 'x'.repeat(100), 'a\0b', 'blobs/sha256/' + '0'.repeat(64), 'manifest.json', 'index.json'];
const NUMBERS = ['0000000\0', '7777777\0', '9999999\0', 'zzzzzzz\0', '-000001\0', '\x80\0\0\0\0\0\0\x01', '77777777777\0', '00000001000\0', '', ' '];
const TYPES = '0123456789gxLKSVMDA\0Z';

type Mutation = { kind: string; apply(b: Uint8Array, rnd: () => number): Uint8Array };

const pick = <T,>(xs: readonly T[], rnd: () => number): T => xs[Math.floor(rnd() * xs.length)]!;

const MUTATIONS: Mutation[] = [
  {
    kind: 'flip bytes',
    apply(b, rnd) {
      const out = b.slice();
      const n = 1 + Math.floor(rnd() * 8);
      for (let i = 0; i < n; i++) out[Math.floor(rnd() * out.length)] ^= 1 + Math.floor(rnd() * 255);
      return out;
    },
  },
  {
    kind: 'truncate',
    apply(b, rnd) {
      return b.slice(0, Math.floor(rnd() * b.length));
    },
  },
  {
    kind: 'duplicate blocks',
    apply(b, rnd) {
      const blocks = Math.floor(b.length / BLOCK);
      const from = Math.floor(rnd() * blocks);
      const len = 1 + Math.floor(rnd() * 4);
      const to = Math.floor(rnd() * blocks);
      const piece = b.slice(from * BLOCK, Math.min(b.length, (from + len) * BLOCK));
      const out = new Uint8Array(b.length + piece.length);
      out.set(b.subarray(0, to * BLOCK));
      out.set(piece, to * BLOCK);
      out.set(b.subarray(to * BLOCK), to * BLOCK + piece.length);
      return out;
    },
  },
  {
    kind: 'delete blocks',
    apply(b, rnd) {
      const blocks = Math.floor(b.length / BLOCK);
      const from = Math.floor(rnd() * blocks);
      const len = 1 + Math.floor(rnd() * 3);
      const out = new Uint8Array(b.length - Math.min(len, blocks - from) * BLOCK);
      out.set(b.subarray(0, from * BLOCK));
      out.set(b.subarray((from + len) * BLOCK), from * BLOCK);
      return out;
    },
  },
  {
    kind: 'edit a header field',
    apply(b, rnd) {
      const out = b.slice();
      const headers = headerOffsets(out);
      const at = pick(headers, rnd);
      const field = pick(Object.keys(FIELDS) as Array<keyof typeof FIELDS>, rnd);
      const [off, len] = FIELDS[field];
      let value: string;
      if (field === 'name' || field === 'linkname' || field === 'prefix') value = pick(NAMES, rnd);
      else if (field === 'typeflag') value = pick([...TYPES], rnd);
      else value = pick(NUMBERS, rnd);
      const bytes = enc.encode(value).subarray(0, len);
      out.fill(0, at + off, at + off + len);
      out.set(bytes, at + off);
      // Mostly keep the checksum right, so the edit reaches the code past it.
      if (rnd() < 0.85) setChecksum(out, at);
      return out;
    },
  },
  {
    kind: 'edit JSON',
    apply(b, rnd) {
      const out = b.slice();
      const json = outerMembers(b).filter((m) => m.size > 0 && m.data + m.size <= b.length && b[m.data] === 0x7b);
      // An earlier step may have broken the outer structure: then there is nothing to aim at.
      if (json.length === 0) return MUTATIONS[0]!.apply(b, rnd);
      const m = pick(json, rnd);
      const n = 1 + Math.floor(rnd() * 3);
      for (let i = 0; i < n; i++) out[m.data + Math.floor(rnd() * m.size)] = pick([...enc.encode('"{}[],:0a\\ \0')], rnd);
      return out;
    },
  },
  {
    kind: 'insert bytes',
    apply(b, rnd) {
      const at = Math.floor(rnd() * b.length);
      const extra = new Uint8Array(1 + Math.floor(rnd() * 64)).map(() => Math.floor(rnd() * 256));
      const out = new Uint8Array(b.length + extra.length);
      out.set(b.subarray(0, at));
      out.set(extra, at);
      out.set(b.subarray(at), at + extra.length);
      return out;
    },
  },
];

async function* once(b: Uint8Array): AsyncIterable<Uint8Array> {
  // Two chunks, so chunk boundaries fall inside blocks as they do when reading files.
  const cut = Math.floor(b.length / 3);
  yield b.subarray(0, cut);
  yield b.subarray(cut);
}

async function loadInProcess(e: Engine, bytes: Uint8Array) {
  return e.write(async () => loadImages(e, filesOfTar(await openMaybeGzip(once(bytes), e.limits, 'fuzz')), { what: 'fuzz' }));
}

async function refsOf(store: MemoryStore): Promise<string> {
  return JSON.stringify(await store.refs.list(''));
}

async function blobsOf(store: MemoryStore): Promise<string> {
  const all: string[] = [];
  for await (const d of store.blobs.list()) all.push(d);
  return all.sort().join(',');
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms (a hang)`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

describe('loading mutated image archives', () => {
  let work: string;
  const bases: Array<{ name: string; bytes: Uint8Array }> = [];
  /** Failing mutated archives kept for the CLI pass: one list per mutation kind. */
  const failing = new Map<string, Array<{ label: string; bytes: Uint8Array }>>();

  beforeAll(async () => {
    work = await makeTempDir('lbcli-fuzz-');
    // A tiny image of two layers: a few files, a folder, a symlink; then its archive.
    const ctx = join(work, 'ctx');
    await mkdir(join(ctx, 'files', 'dir'), { recursive: true });
    await mkdir(join(ctx, 'more'));
    await writeFile(join(ctx, 'files', 'hello.txt'), 'hello\n');
    await writeFile(join(ctx, 'files', 'dir', 'a'), 'a'.repeat(700));
    await writeFile(join(ctx, 'files', 'dir', 'b'), '');
    await run(['ln', '-s', 'a', join(ctx, 'files', 'dir', 'link')]);
    await writeFile(join(ctx, 'more', 'x.txt'), 'x\n');
    await writeFile(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY files/ /\nCOPY more/ /more/\nENV A=1\nCMD ["/x"]\n');
    const root = join(work, 'build');
    await layerbox(root, ['build', '-q', '-t', 'fuzz/tiny:1', ctx]);
    const saved = join(work, 'tiny.tar');
    await layerbox(root, ['save', '-o', saved, 'fuzz/tiny:1']);
    const docker = join(work, 'tiny-docker.tar');
    await run(['python3', '-c', UNCOMPRESS, saved, docker]);
    bases.push({ name: 'layerbox save (OCI + docker-archive, gzip layers)', bytes: new Uint8Array(await readFile(saved)) });
    bases.push({ name: 'docker-archive with uncompressed layers', bytes: new Uint8Array(await readFile(docker)) });
  });

  afterAll(async () => {
    if (work) await removeTree(work);
  });

  test('the unmutated archives load', async () => {
    for (const base of bases) {
      const e = new Engine(new MemoryStore(), { limits: { maxUncompressed: MAX_UNCOMPRESSED } });
      const loaded = await loadInProcess(e, base.bytes);
      expect(loaded, base.name).toEqual([{ id: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), tags: ['fuzz/tiny:1'] }]);
    }
  });

  test(`${MUTATIONS_PER_BASE * 2} mutations fail only with LayerboxErrors and change nothing when they fail`, { timeout: 900_000 }, async () => {
    const wrongErrors: string[] = [];
    const leaks: string[] = [];
    const tally = new Map<string, number>();
    const loadedBy = new Map<string, number>();
    for (const [bi, base] of bases.entries()) {
      const store = new MemoryStore();
      const e = new Engine(store, { limits: { maxUncompressed: MAX_UNCOMPRESSED } });
      // The store starts with the good image, so a failed load has something to spoil.
      await loadInProcess(e, base.bytes);
      let refs = await refsOf(store);
      let blobs = await blobsOf(store);
      for (let i = 0; i < MUTATIONS_PER_BASE; i++) {
        const seed = SEED + bi * 1_000_003 + i;
        const rnd = prng(seed);
        let bytes = base.bytes;
        const kinds: string[] = [];
        const steps = rnd() < 0.8 ? 1 : 2 + Math.floor(rnd() * 2);
        for (let s = 0; s < steps; s++) {
          const m = MUTATIONS[(i + s * 3) % MUTATIONS.length]!;
          kinds.push(m.kind);
          bytes = m.apply(bytes, rnd);
        }
        const label = `base ${bi}, seed ${seed}: ${kinds.join(' + ')}`;
        try {
          await withTimeout(loadInProcess(e, bytes), CASE_TIMEOUT_MS, label);
          tally.set('loaded', (tally.get('loaded') ?? 0) + 1);
          loadedBy.set(kinds.join(' + '), (loadedBy.get(kinds.join(' + ')) ?? 0) + 1);
          // A harmless mutation may load (even as another image): that is the new baseline.
          refs = await refsOf(store);
          blobs = await blobsOf(store);
        } catch (err) {
          if (!(err instanceof LayerboxError)) {
            wrongErrors.push(`${label}: ${err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err)}`);
            continue;
          }
          tally.set(err.kind, (tally.get(err.kind) ?? 0) + 1);
          if ((await refsOf(store)) !== refs) leaks.push(`${label}: refs changed after ${err.message}`);
          if ((await blobsOf(store)) !== blobs) leaks.push(`${label}: stored blobs changed after ${err.message}`);
          const list = failing.get(kinds[0]!) ?? [];
          if (list.length < 8) list.push({ label, bytes });
          failing.set(kinds[0]!, list);
        }
      }
    }
    console.log(`fuzz outcomes: ${JSON.stringify(Object.fromEntries(tally))}; loaded after: ${JSON.stringify(Object.fromEntries(loadedBy))}`);
    expect(wrongErrors, 'errors that are not LayerboxErrors').toEqual([]);
    expect(leaks, 'failed loads that changed the store').toEqual([]);
    // The mutations did reach the loader's checks (most inputs must fail).
    const failed = [...tally].filter(([k]) => k !== 'loaded').reduce((s, [, n]) => s + n, 0);
    expect(failed).toBeGreaterThan(MUTATIONS_PER_BASE);
  });

  test(`${CLI_CASES} failing archives through the CLI leave its store byte-identical`, { timeout: 600_000 }, async () => {
    const chosen: Array<{ label: string; bytes: Uint8Array }> = [];
    const lists = [...failing.values()];
    for (let round = 0; chosen.length < CLI_CASES && lists.some((l) => l.length > round); round++) {
      for (const l of lists) if (l[round] && chosen.length < CLI_CASES) chosen.push(l[round]!);
    }
    expect(chosen.length).toBe(CLI_CASES);
    const root = join(work, 'cli-store');
    const good = join(work, 'good.tar');
    await writeFile(good, bases[0]!.bytes);
    await layerbox(root, ['load', '-i', good]);
    const before = await listStore(root);
    const dir = join(work, 'mutated');
    await mkdir(dir);
    for (const [i, c] of chosen.entries()) {
      const file = join(dir, `${i}.tar`);
      await writeFile(file, c.bytes);
      const r = await layerboxFails(root, ['load', '-i', file], { env: { LAYERBOX_MAX_UNCOMPRESSED: String(MAX_UNCOMPRESSED) } });
      expectOneLineError(r);
      expect(r.stderr, c.label).not.toMatch(/^\s+at /m);
    }
    expect(await listStore(root)).toEqual(before);
    await expectStoreChecks(root);
  });
});
