import type { Digest } from '../digest/digest.ts';
import { hashing } from '../digest/hasher.ts';
import { InvalidArgumentError } from '../errors.ts';
import type { ByteStream } from '../host.ts';
import type { LayerRecord } from '../image/records.ts';
import type { BlobStore } from '../store/blob-store.ts';
import { readTar } from '../tar/reader.ts';
import { SkeletonRecorder } from '../tar/skeleton.ts';
import { tarHeaderBytes } from '../tar/writer.ts';
import type { TarEntry } from '../tar/entry.ts';
import { MutableDir, EMPTY_META, type MutableEntry } from '../tree/mutable.ts';
import type { Meta, Node } from '../tree/node.ts';
import type { TreeStore } from '../tree/tree-store.ts';
import { bytesToBase64 } from '../util/base64.ts';
import { canonicalTar, digestStream } from './layer.ts';
import { OPAQUE_MARKER, WHITEOUT_PREFIX } from './to-tar.ts';

export interface ImportOptions {
  maxEntries?: number;
  /** The diff_id the layer must have (from an image config); checked at the end. */
  expectedDiffId?: Digest;
  /** Called with uncompressed bytes read so far. */
  onProgress?: (bytes: number) => void;
  /** For messages: which layer of which archive. */
  what?: string;
}

function metaOf(e: TarEntry): Meta {
  const m: Meta = { mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime };
  const keys = Object.keys(e.xattrs);
  if (keys.length) {
    const x: Record<string, string> = {};
    for (const k of keys) x[k] = bytesToBase64(e.xattrs[k]!);
    m.xattrs = x;
  }
  return m;
}

/**
 * Turn an uncompressed OCI layer tar into a layer record: a diff tree whose files are
 * blobs, plus the tar's skeleton so the exact bytes (and so the diff_id) can be given
 * back on export. Every entry is checked: paths stay inside the layer (the tar reader
 * enforces it), hardlinks point at files earlier in the same layer, whiteouts name one
 * plain entry, nothing appears twice, and nothing is put below a non-directory.
 * Blobs are staged in `blobs`; the caller flushes or discards them.
 */
export async function importLayer(trees: TreeStore, blobs: BlobStore, src: ByteStream, opts: ImportOptions = {}): Promise<LayerRecord> {
  const what = opts.what ?? 'layer';
  let diffId: Digest | undefined;
  let tarSize = 0;
  let read = 0;
  const counted = (async function* () {
    for await (const c of src) {
      read += c.length;
      opts.onProgress?.(read);
      yield c;
    }
  })();
  const hashed = hashing(counted, (d, s) => {
    diffId = d;
    tarSize = s;
  });
  const recorder = new SkeletonRecorder();
  const root = new MutableDir(EMPTY_META, { implicit: true });
  const kinds = new Map<string, Node['type']>();
  let canonicalHeaders = true;
  let contentSize = 0;
  const fail = (e: TarEntry, why: string): never => {
    throw new InvalidArgumentError(`${what}: entry ${JSON.stringify(e.path)} at byte ${e.offset}: ${why}`);
  };

  /** The directory at `parts`, creating implicit parents; a non-directory on the way is an error. */
  const dirAt = async (e: TarEntry, parts: string[]): Promise<MutableDir> => {
    let d = root;
    let path = '';
    for (const name of parts) {
      path = path ? `${path}/${name}` : name;
      const next: MutableEntry | undefined = await d.get(trees, name);
      if (next === undefined) {
        const made = new MutableDir(EMPTY_META, { implicit: true });
        await d.set(trees, name, made);
        kinds.set(path, 'dir');
        d = made;
      } else if (next instanceof MutableDir) d = next;
      else fail(e, `its parent ${JSON.stringify(path)} is not a directory in this layer`);
    }
    return d;
  };

  for await (const e of readTar(hashed, { sink: recorder, ...(opts.maxEntries ? { maxEntries: opts.maxEntries } : {}) })) {
    if (canonicalHeaders && !sameBytes(e.raw, safeHeader(e))) canonicalHeaders = false;
    const parts = e.path === '' ? [] : e.path.split('/');
    const name = parts.pop();
    if (name === undefined) {
      if (e.type !== 'dir') fail(e, 'the root of a layer must be a directory');
      if (kinds.has('')) fail(e, 'appears twice');
      kinds.set('', 'dir');
      root.setMeta(metaOf(e));
      root.implicit = false;
      continue;
    }
    const parent = await dirAt(e, parts);
    const parentPath = parts.join('/');
    if (name === OPAQUE_MARKER) {
      if (parent.opaque) fail(e, 'appears twice');
      parent.opaque = true;
      parent.touch();
      continue;
    }
    if (name.startsWith(WHITEOUT_PREFIX)) {
      const target = name.slice(WHITEOUT_PREFIX.length);
      if (target === '' || target === '.' || target === '..') fail(e, 'whiteout names no file');
      const tpath = parentPath ? `${parentPath}/${target}` : target;
      if (kinds.has(tpath)) fail(e, `whiteout for ${JSON.stringify(tpath)}, which this layer also adds`);
      kinds.set(tpath, 'whiteout');
      await parent.set(trees, target, { type: 'whiteout' });
      continue;
    }
    const existing = kinds.get(e.path);
    if (existing !== undefined) {
      // A directory first made implicitly by a deeper entry may get its own entry later.
      const implicitDir = existing === 'dir' && e.type === 'dir' && (await parent.get(trees, name)) instanceof MutableDir && ((await parent.get(trees, name)) as MutableDir).implicit;
      if (!implicitDir) fail(e, existing === 'whiteout' ? 'added and whited out in the same layer' : 'appears twice in the layer');
    }
    kinds.set(e.path, e.type);
    switch (e.type) {
      case 'dir': {
        const d = await dirAt(e, [...parts, name]);
        d.setMeta(metaOf(e));
        d.implicit = false;
        break;
      }
      case 'file': {
        const body = e.size > 0 ? await blobs.ingest(e.body(), { size: e.size }) : { digest: await blobs.put(new Uint8Array(0)), size: 0 };
        contentSize += e.size;
        await parent.set(trees, name, { type: 'file', ...metaOf(e), size: body.size, digest: body.digest });
        break;
      }
      case 'symlink':
        await parent.set(trees, name, { type: 'symlink', ...metaOf(e), target: e.linkname });
        break;
      case 'hardlink': {
        const k = kinds.get(e.linkname);
        if (k === undefined) fail(e, `hardlink to ${JSON.stringify(e.linkname)}, which is not earlier in this layer`);
        if (k === 'dir' || k === 'whiteout' || e.linkname === e.path) fail(e, `hardlink to ${JSON.stringify(e.linkname)}, which is not a file`);
        await parent.set(trees, name, { type: 'hardlink', target: e.linkname });
        break;
      }
      case 'char':
      case 'block':
        await parent.set(trees, name, { type: e.type, ...metaOf(e), major: e.devmajor, minor: e.devminor });
        break;
      case 'fifo':
        await parent.set(trees, name, { type: 'fifo', ...metaOf(e) });
        break;
    }
  }
  if (!diffId) throw new InvalidArgumentError(`${what}: empty stream`);
  if (opts.expectedDiffId && opts.expectedDiffId !== diffId) {
    throw new InvalidArgumentError(`${what}: content does not match its diff_id: config says ${opts.expectedDiffId}, content is ${diffId}`);
  }
  const tree = await root.persist(trees);
  const record: LayerRecord = { v: 1, diffId, tarSize, size: contentSize, root: tree };
  // Keep the skeleton unless the canonical serialisation gives back the very same bytes.
  let canonical = false;
  if (canonicalHeaders) canonical = (await digestStream(canonicalTar(trees, blobs, tree))).digest === diffId;
  if (!canonical) record.skeleton = await blobs.put(recorder.skeleton());
  return record;
}

function safeHeader(e: TarEntry): Uint8Array {
  try {
    return tarHeaderBytes(e);
  } catch {
    return new Uint8Array(0);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
