// The comparison table trusts tests/harness/image-dump.ts as its oracle, so the oracle is
// checked here on archives made by hand: whiteouts, an opaque folder, hard links, a
// folder replaced by a file, gzip layers, docker-archive and OCI layout in one tar.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { run } from '../harness/exec.ts';
import { dumpImageArchive, type ImageDump } from '../harness/image-dump.ts';
import { makeTempDir, removeTree } from '../harness/tmp.ts';
import { findTool } from '../harness/tools.ts';
import type { TarEntry } from './cases.ts';

const MAKE_TAR = fileURLToPath(new URL('./make-tar.py', import.meta.url));
const REF = 'example.test/img:1';

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

const LAYERS: { gzip: boolean; entries: TarEntry[] }[] = [
  {
    gzip: false,
    entries: [
      { path: 'a', type: 'dir' },
      { path: 'a/keep.txt', content: 'keep' },
      { path: 'a/gone.txt', content: 'gone' },
      { path: 'b', type: 'dir' },
      { path: 'b/old.txt', content: 'old' },
      { path: 'b/sub', type: 'dir' },
      { path: 'b/sub/deep.txt', content: 'deep' },
      { path: 's', type: 'symlink', target: 'a/keep.txt' },
      { path: 'h1', content: 'hard', mode: '0600', uid: 5, gid: 6 },
      { path: 'h2', type: 'hardlink', target: 'h1' },
      { path: 'x', type: 'dir' },
      { path: 'x/inner', content: 'inner' },
    ],
  },
  {
    gzip: true,
    entries: [
      { path: 'a/.wh.gone.txt' },
      // Before the opaque marker in tar order: still kept, it belongs to this layer.
      { path: 'b/new.txt', content: 'new' },
      { path: 'b/.wh..wh..opq' },
      { path: 'a/keep.txt', content: 'kept2', mode: '4755', uid: 1, gid: 2 },
      { path: 'x', content: 'now a file' },
    ],
  },
  {
    gzip: false,
    entries: [
      { path: 'b', type: 'dir', mode: '0700', uid: 9 },
      { path: '.wh.s' },
    ],
  },
];

const CONFIG = {
  architecture: 'amd64',
  os: 'linux',
  author: 'someone',
  created: '2020-01-01T00:00:00Z',
  config: { Env: ['A=1'], Cmd: null, Labels: { k: 'v' }, Hostname: 'not compared' },
  history: [
    { created: '2020-01-01T00:00:00Z', created_by: 'one' },
    { created: '2020-01-01T00:00:00Z', created_by: 'two', empty_layer: true, comment: 'c' },
    { created_by: 'three' },
    { created_by: 'four' },
  ],
};

interface Blob {
  bytes: Buffer;
  digest: string;
}

function blob(bytes: Buffer | string): Blob {
  const b = Buffer.from(bytes);
  return { bytes: b, digest: `sha256:${sha(b)}` };
}

describe('image-dump: the independent reader of image archives', () => {
  let work: string;
  let layers: Blob[];
  let diffIds: string[];

  beforeAll(async () => {
    const python = findTool('python3');
    if (python === undefined) throw new Error('python3 is required');
    work = await makeTempDir('lbdump-');
    layers = [];
    for (const [i, layer] of LAYERS.entries()) {
      const path = join(work, `layer${i}.tar`);
      await run([python, MAKE_TAR, path, layer.gzip ? 'gzip' : 'plain'], { input: JSON.stringify(layer.entries) });
      layers.push(blob(await readFile(path)));
    }
    diffIds = layers.map((l, i) => `sha256:${sha(LAYERS[i]!.gzip ? gunzipSync(l.bytes) : l.bytes)}`);
   }, 60_000);

  afterAll(async () => {
    if (work) await removeTree(work);
  });

  const config = (overrides: Partial<typeof CONFIG> = {}, ids = diffIds) =>
    blob(JSON.stringify({ ...CONFIG, ...overrides, rootfs: { type: 'layers', diff_ids: ids } }));

  /** Writes `files` into a folder and tars it the way GNU tar does (`./` names). */
  async function archive(name: string, files: Record<string, Buffer | string>): Promise<string> {
    const dir = join(work, name);
    for (const [path, bytes] of Object.entries(files)) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), bytes);
    }
    const out = join(work, `${name}.tar`);
    await run(['tar', '-cf', out, '-C', dir, '.']);
    return out;
  }

  function dockerFiles(cfg: Blob): Record<string, Buffer | string> {
    const files: Record<string, Buffer | string> = { [`${cfg.digest.slice(7)}.json`]: cfg.bytes };
    layers.forEach((l, i) => (files[`l${i}/layer.tar`] = l.bytes));
    files['manifest.json'] = JSON.stringify([
      { Config: `${cfg.digest.slice(7)}.json`, RepoTags: [REF], Layers: layers.map((_, i) => `l${i}/layer.tar`) },
    ]);
    return files;
  }

  function ociFiles(cfg: Blob): Record<string, Buffer | string> {
    const manifest = blob(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: cfg.digest, size: cfg.bytes.length },
        layers: layers.map((l, i) => ({
          mediaType: `application/vnd.oci.image.layer.v1.tar${LAYERS[i]!.gzip ? '+gzip' : ''}`,
          digest: l.digest,
          size: l.bytes.length,
        })),
      }),
    );
    const files: Record<string, Buffer | string> = {
      'oci-layout': '{"imageLayoutVersion":"1.0.0"}',
      'index.json': JSON.stringify({
        schemaVersion: 2,
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: manifest.digest,
            size: manifest.bytes.length,
            annotations: { 'io.containerd.image.name': REF, 'org.opencontainers.image.ref.name': '1' },
          },
        ],
      }),
    };
    for (const b of [cfg, manifest, ...layers]) files[`blobs/sha256/${b.digest.slice(7)}`] = b.bytes;
    return files;
  }

  const expectedRootfs = () => [
    { path: '/a', type: 'dir', mode: '0755', uid: 0, gid: 0 },
    { path: '/a/keep.txt', type: 'file', mode: '4755', uid: 1, gid: 2, size: 5, sha256: sha('kept2') },
    { path: '/b', type: 'dir', mode: '0700', uid: 9, gid: 0 },
    { path: '/b/new.txt', type: 'file', mode: '0644', uid: 0, gid: 0, size: 3, sha256: sha('new') },
    { path: '/h1', type: 'file', mode: '0600', uid: 5, gid: 6, size: 4, sha256: sha('hard') },
    { path: '/h2', type: 'file', mode: '0600', uid: 5, gid: 6, size: 4, sha256: sha('hard'), hardlink: '/h1' },
    { path: '/x', type: 'file', mode: '0644', uid: 0, gid: 0, size: 10, sha256: sha('now a file') },
  ];

  function expectImage(d: ImageDump) {
    expect(d.architecture).toBe('amd64');
    expect(d.os).toBe('linux');
    expect(d.author).toBe('someone');
    expect(d.config).toEqual({ Env: ['A=1'], Labels: { k: 'v' } });
    expect(d.history).toEqual([
      { created_by: 'one' },
      { created_by: 'two', empty_layer: true, comment: 'c' },
      { created_by: 'three' },
      { created_by: 'four' },
    ]);
    expect(d.layerCount).toBe(3);
    expect(d.layers).toEqual([
      [
        'dir a', 'dir b', 'dir b/sub', 'dir x', 'file a/gone.txt', 'file a/keep.txt', 'file b/old.txt',
        'file b/sub/deep.txt', 'file h1', 'file x/inner', 'hardlink h2', 'symlink s',
      ],
      ['file a/keep.txt', 'file b/new.txt', 'file x', 'opaque b/.wh..wh..opq', 'whiteout a/.wh.gone.txt'],
      ['dir b', 'whiteout .wh.s'],
    ]);
    expect(d.rootfs).toEqual(expectedRootfs());
  }

  test('a docker-archive: config fields, history, layers and the merged filesystem with whiteouts', async () => {
    const d = await dumpImageArchive(await archive('docker', dockerFiles(config())));
    expectImage(d);
    expect(d.formats).toEqual(['docker']);
  });

  test('a tar holding both a docker-archive and an OCI layout reads both and finds them equal', async () => {
    const cfg = config();
    const d = await dumpImageArchive(await archive('both', { ...dockerFiles(cfg), ...ociFiles(cfg) }), { ref: REF });
    expectImage(d);
    expect(d.formats).toEqual(['docker', 'oci']);
  });

  test('an OCI layout alone, picked by its ref annotation', async () => {
    const d = await dumpImageArchive(await archive('oci', ociFiles(config())), { ref: REF, format: 'oci' });
    expectImage(d);
    expect(d.formats).toEqual(['oci']);
  });

  test('a docker-archive and an OCI layout that disagree are rejected', async () => {
    const files = { ...dockerFiles(config()), ...ociFiles(config({ config: { ...CONFIG.config, Env: ['A=2'] } })) };
    await expect(dumpImageArchive(await archive('disagree', files))).rejects.toThrow(/describe different images/);
  });

  test('a layer that does not match its diff_id is rejected', async () => {
    const wrong = [diffIds[0]!, diffIds[2]!, diffIds[1]!];
    await expect(dumpImageArchive(await archive('diffid', dockerFiles(config({}, wrong))))).rejects.toThrow(
      /layer 1 has diff_id/,
    );
  });

  test('an OCI blob whose content does not match its digest is rejected', async () => {
    const files = ociFiles(config());
    const layerPath = `blobs/sha256/${layers[2]!.digest.slice(7)}`;
    files[layerPath] = Buffer.concat([layers[2]!.bytes.subarray(0, 512), Buffer.alloc(1024)]);
    await expect(dumpImageArchive(await archive('digest', files), { format: 'oci' })).rejects.toThrow(
      /holds content with digest/,
    );
  });

  test('an image name the archive does not hold is rejected', async () => {
    await expect(
      dumpImageArchive(await archive('noref', dockerFiles(config())), { ref: 'example.test/other:2' }),
    ).rejects.toThrow(/no image tagged example.test\/other:2/);
  });
});
