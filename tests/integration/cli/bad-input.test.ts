// Hostile and broken input through the real `layerbox` command: image archives and
// rootfs tarballs made by bad-archives.py (Python's tarfile, no layerbox code), and
// Dockerfiles with mistakes. Each must fail with one clear line on stderr and exit 1,
// and leave the store byte-identical (every file under --root, with its size and
// sha256) and passing `system check`.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeBusyboxContext } from '../../harness/busybox-image.ts';
import { makeTempDir, removeTree, run } from '../../harness/peers.ts';
import {
  expectOneLineError,
  expectStoreChecks,
  imageRows,
  layerbox,
  layerboxFails,
  listStore,
  type StoreListing,
} from './cli.ts';

const GENERATOR = fileURLToPath(new URL('./bad-archives.py', import.meta.url));
const BASE = 'localhost/lbcli-bad/busybox:1';

interface Case {
  name: string;
  path: string;
  what: string;
}

/** What each archive's one-line error must say. Every case the generator writes needs an entry. */
const LOAD_ERRORS: Record<string, RegExp[]> = {
  'traversal-dotdot': [/"\.\.\/x"/, /escapes/],
  'traversal-nested-dotdot': [/"etc\/\.\.\/\.\.\/x"/, /escapes/],
  'traversal-absolute': [/"\/abs"/, /absolute/],
  'hardlink-outside-dotdot': [/hardlink/, /\.\.\/\.\.\/etc\/passwd/, /escapes/],
  'hardlink-outside-absolute': [/hardlink/, /"\/etc\/passwd"/, /absolute/],
  'hardlink-not-in-layer': [/hardlink to "etc\/passwd"/, /not earlier in this layer/],
  'whiteout-dotdot': [/etc\/\.wh\.\.\./, /whiteout names no file/],
  'whiteout-root-dotdot': [/"\.wh\.\.\."/, /whiteout names no file/],
  'duplicate-entry': [/"etc\/a"/, /appears twice/],
  'below-a-file': [/"etc\/x"/, /"etc" is not a directory/],
  'header-bad-checksum': [/checksum/],
  'header-bad-size': [/size field/],
  'header-bad-mode': [/mode field/],
  'header-bad-typeflag': [/entry type/],
  'truncated-archive': [/truncated/],
  'truncated-layer': [/truncated/],
  'truncated-gzip-layer': [/gzip/, /00\/layer\.tar/],
  'corrupt-gzip-crc': [/gzip/, /00\/layer\.tar/],
  'corrupt-gzip-data': [/gzip/, /00\/layer\.tar/],
  'truncated-gzip-archive': [/gzip/],
  'corrupt-gzip-archive': [/gzip/],
  'bomb-layer': [/00\/layer\.tar/, /more than 50000000 bytes uncompressed/],
  'oci-wrong-layer-digest': [/layer sha256:[0-9a-f]{64} is not in the archive/],
  'oci-wrong-config-digest': [/config sha256:[0-9a-f]{64} is not in the archive/],
  'oci-blob-content-mismatch': [/blobs\/sha256\/[0-9a-f]{64}/, /digest mismatch/],
  'oci-config-content-mismatch': [/blobs\/sha256\/[0-9a-f]{64}/, /digest mismatch/],
  'docker-missing-config': [/config 0{64}\.json/, /not in the archive/],
  'diff-ids-mismatch': [/layer 1 does not match the image config/],
  'diff-ids-count': [/lists 2 layers but the manifest has 1/],
  'layers-swapped': [/layer 1 does not match the image config/],
  'layout-blob-mismatch': [/blobs\/sha256\/[0-9a-f]{64}/, /digest mismatch/],
};

const IMPORT_ERRORS: Record<string, RegExp[]> = {
  'import-traversal': [/"\.\.\/x"/, /escapes/],
  'import-absolute': [/"\/abs"/, /absolute/],
  'import-hardlink-outside': [/hardlink/, /\.\.\/\.\.\/etc\/passwd/, /escapes/],
  'import-duplicate': [/"a"/, /appears twice/],
  'import-truncated': [/truncated/],
};

/** Keeps the bomb small and fast: the load must stop at 50 MB, long before 200 MB. */
const LIMIT_ENV = { LAYERBOX_MAX_UNCOMPRESSED: '50000000' };

// The generator runs at collection time so that each archive is its own test.
const work = await makeTempDir('lbcli-bad-');
const archives = join(work, 'archives');
await mkdir(archives);
await run(['python3', GENERATOR, archives], { timeoutMs: 120_000 });
const cases = JSON.parse(await readFile(join(archives, 'cases.json'), 'utf8')) as { bad: Case[]; good: Case[]; import: Case[] };

describe('layerbox refuses bad input and leaves the store as it was', () => {
  const root = join(work, 'store');
  let before: StoreListing;

  beforeAll(async () => {
    // A store with something in it: an image, a container, a volume.
    const ctx = await writeBusyboxContext(join(work, 'ctx'));
    await layerbox(root, ['build', '-q', '-t', BASE, ctx.dir]);
    await layerbox(root, ['volume', 'create', 'keep']);
    await layerbox(root, ['create', '--name', 'keeper', '-v', 'keep:/data', BASE]);
    before = await listStore(root);
    expect(before.some((l) => l.startsWith('blobs/sha256/'))).toBe(true);
    const rows = await imageRows(root);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.startsWith(`${BASE} sha256:`)).toBe(true);
  });

  afterAll(async () => {
    await removeTree(work);
  });

  /** The store is byte-identical to before (so it lists the same images), and checks clean. */
  async function expectUnchanged(): Promise<void> {
    expect(await listStore(root)).toEqual(before);
    await expectStoreChecks(root);
  }

  test('the generator wrote every case this file knows, and no other', () => {
    expect(cases.bad.map((c) => c.name).sort()).toEqual(Object.keys(LOAD_ERRORS).sort());
    expect(cases.import.map((c) => c.name).sort()).toEqual(Object.keys(IMPORT_ERRORS).sort());
  });

  // Controls: the same generator without the defect gives archives that load, so each
  // failure below is down to its one defect. They load into a separate store.
  test.each(cases.good.map((c) => [c.name, c] as const))('control %s loads', async (_name, c) => {
    const other = join(work, `control-${c.name}`);
    const r = await layerbox(other, ['load', '-i', c.path], { env: LIMIT_ENV });
    expect(r.stdout).toMatch(/^Loaded image: \S+/m);
    expect(await imageRows(other)).toHaveLength(1);
    await expectStoreChecks(other);
    await removeTree(other);
  });

  describe('layerbox load', () => {
    test.each(cases.bad.map((c) => [c.name, c] as const))('%s', async (name, c) => {
      const r = await layerboxFails(root, ['load', '-i', c.path], { env: LIMIT_ENV });
      expectOneLineError(r, ...(LOAD_ERRORS[name] ?? [/^$/]));
      await expectUnchanged();
    });

    test('the same traversal archive on standard input', async () => {
      const c = cases.bad.find((x) => x.name === 'traversal-dotdot')!;
      const r = await layerboxFails(root, ['load'], { input: await readFile(c.path) });
      expectOneLineError(r, /"\.\.\/x"/, /escapes/);
      await expectUnchanged();
    });

    test('the bomb stopped by the compression ratio limit instead', async () => {
      // Default ratio grace is 64 MiB: past it, 200 MB of zeros (about 1000:1) is over 100:1.
      const c = cases.bad.find((x) => x.name === 'bomb-layer')!;
      const r = await layerboxFails(root, ['load', '-i', c.path], { env: { LAYERBOX_MAX_RATIO: '100' } });
      expectOneLineError(r, /00\/layer\.tar/, /compression ratio above 100:1/);
      await expectUnchanged();
    });
  });

  describe('layerbox import', () => {
    test.each(cases.import.map((c) => [c.name, c] as const))('%s', async (name, c) => {
      const r = await layerboxFails(root, ['import', c.path, 'localhost/lbcli-bad/imported:1']);
      expectOneLineError(r, ...(IMPORT_ERRORS[name] ?? [/^$/]));
      await expectUnchanged();
    });
  });

  describe('layerbox build with a broken Dockerfile', () => {
    interface BuildCase {
      dockerfile: string;
      files?: Record<string, string>;
      error: RegExp[];
    }
    const BUILDS: Record<string, BuildCase> = {
      'unknown instruction': {
        dockerfile: `FROM ${BASE}\nFORM scratch\n`,
        error: [/Dockerfile:2: /, /unknown instruction "FORM"/, /did you mean FROM\?/],
      },
      'missing FROM': {
        dockerfile: 'COPY a.txt /a.txt\n',
        files: { 'a.txt': 'a\n' },
        error: [/Dockerfile:1: /, /FROM/],
      },
      'bad JSON form': {
        dockerfile: `FROM ${BASE}\nENTRYPOINT ["/bin/sh", "-c",]\n`,
        error: [/Dockerfile:2: /, /invalid JSON/, /did you mean \["\/bin\/sh", "-c"\]\?/],
      },
      'SHELL not in JSON form': {
        dockerfile: `FROM ${BASE}\nSHELL /bin/sh -c\n`,
        error: [/Dockerfile:2: /, /SHELL requires the arguments to be in JSON form/],
      },
      'unknown --from stage': {
        dockerfile: `FROM ${BASE} AS base\nFROM scratch\nCOPY --from=nosuch /bin/busybox /busybox\n`,
        error: [/Dockerfile:3: /, /--from=nosuch/, /base/],
      },
      'missing COPY source': {
        dockerfile: 'FROM scratch\nCOPY missing.txt /\n',
        error: [/Dockerfile:2: /, /missing\.txt/, /no such file/],
      },
      'ARG used before its definition': {
        dockerfile: 'FROM scratch\nENV X=$FOO\nARG FOO=1\n',
        error: [/Dockerfile:2: /, /\$FOO/, /line 3/],
      },
      'FROM an image not in the store': {
        dockerfile: 'FROM localhost/lbcli-bad/absent:1\nCOPY a.txt /\n',
        files: { 'a.txt': 'a\n' },
        error: [/Dockerfile:1: /, /absent:1/, new RegExp(BASE.replace(/[./]/g, '\\$&')), /layerbox load/],
      },
      'RUN on an image whose /bin/sh is a native (ELF) program': {
        dockerfile: `FROM ${BASE}\nCOPY a.txt /a.txt\nRUN echo hi\n`,
        files: { 'a.txt': 'a\n' },
        error: [/Dockerfile:3: /, /executor failed running \[\/bin\/sh -c echo hi\]/, /exec format error/],
      },
      'RUN with a build mount': {
        dockerfile: `FROM ${BASE}\nRUN --mount=type=cache,target=/c true\n`,
        files: {},
        error: [/Dockerfile:2: /, /build mounts are not supported/],
      },
    };

    let n = 0;
    test.each(Object.entries(BUILDS))('%s', async (_name, c) => {
      const ctx = join(work, `build-${++n}`);
      await mkdir(ctx);
      await writeFile(join(ctx, 'Dockerfile'), c.dockerfile);
      for (const [f, text] of Object.entries(c.files ?? {})) await writeFile(join(ctx, f), text);
      const tag = `localhost/lbcli-bad/should-not-exist:${n}`;
      const r = await layerboxFails(root, ['build', '-q', '-t', tag, ctx]);
      expectOneLineError(r, ...c.error);
      expect(r.stdout).toBe('');
      expect((await layerbox(root, ['images', '-q', tag])).stdout).toBe('');
      await expectUnchanged();
    });
  });
});
