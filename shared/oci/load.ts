import { isDigest, parseDigest, type Digest } from '../digest/digest.ts';
import { DigestMismatchError, InvalidArgumentError, ResourceExhaustedError } from '../errors.ts';
import { host, type ByteStream } from '../host.ts';
import type { Engine } from '../engine/engine.ts';
import { stageImage, tagUpdates } from '../engine/image-writer.ts';
import type { ImageConfig } from '../image/config.ts';
import type { LayerRecord } from '../image/records.ts';
import { parseJson } from '../image/records.ts';
import { formatTagged, parseReference } from '../image/reference.ts';
import { importLayer } from '../layer/import.ts';
import { openMaybeGzip } from '../layer/decompress.ts';
import { concatBytes, peek } from '../util/bytes.ts';
import type { RefUpdate } from '../store/ref-store.ts';
import type { ArchiveFile } from './archive-source.ts';
import {
  ANNOTATION_IMAGE_NAME,
  ANNOTATION_REF_NAME,
  isIndexType,
  type Descriptor,
  type DockerArchiveEntry,
  type Index,
  type Manifest,
} from './media-types.ts';

export interface LoadedImage {
  id: Digest;
  tags: string[];
}

export interface LoadProgress {
  /** Archive files read so far, and uncompressed layer bytes imported so far. */
  files: number;
  bytes: number;
  current?: string;
}

export interface LoadOptions {
  onProgress?: (p: LoadProgress) => void;
  /** Name for messages (the archive's file name). */
  what?: string;
}

const MAX_METADATA_BYTES = 64 * 1024 * 1024;

interface ImportedLayer {
  record: LayerRecord;
  /** Digest of the bytes as stored in the archive (compressed or not). */
  rawDigest: Digest;
}

/**
 * `load`: read an image archive — docker-archive (what `docker save` and `podman save`
 * write), an OCI image layout, or an OCI archive — and store every image in it with
 * its tags. Layers are imported as they stream past (they usually come before the
 * manifests that name them); every blob is checked against its digest, every layer
 * against its image's diff_ids. All or nothing: on any error the store is unchanged.
 * Caller holds the lock.
 */
export async function loadImages(e: Engine, files: AsyncIterable<ArchiveFile>, opts: LoadOptions = {}): Promise<LoadedImage[]> {
  const what = opts.what ?? 'archive';
  const meta = new Map<string, Uint8Array>();
  const layers = new Map<string, ImportedLayer>();
  let metaBytes = 0;
  const progress: LoadProgress = { files: 0, bytes: 0 };
  for await (const f of files) {
    const path = f.path.replace(/^\.\//, '');
    progress.files++;
    progress.current = path;
    const { kind, stream } = await classify(f.body());
    if (kind === 'layer') {
      let raw: Digest | undefined;
      const base = progress.bytes;
      const hashedRaw = hashRaw(stream, (d) => (raw = d));
      const inflated = await openMaybeGzip(hashedRaw, e.limits, `${what}: ${path}`);
      const record = await importLayer(e.trees, e.blobs, inflated, {
        maxEntries: e.limits.maxEntries,
        what: `${what}: layer ${path}`,
        onProgress: (n) => {
          progress.bytes = base + n;
          opts.onProgress?.(progress);
        },
      });
      layers.set(path, { record, rawDigest: raw! });
      checkBlobName(path, raw!, what);
    } else {
      const bytes = await collect(stream, MAX_METADATA_BYTES - metaBytes, `${what}: ${path}`);
      metaBytes += bytes.length;
      meta.set(path, bytes);
      checkBlobName(path, sha(bytes), what);
    }
    opts.onProgress?.(progress);
  }

  let found: Array<{ rawConfig: Uint8Array; layers: ImportedLayer[]; tags: string[] }>;
  if (meta.has('index.json')) found = fromOciLayout(meta, layers, what);
  else if (meta.has('manifest.json')) found = fromDockerArchive(meta, layers, what);
  else if (meta.has('repositories')) throw new InvalidArgumentError(`${what}: legacy docker-archive without manifest.json (Docker before 1.10) is not supported`);
  else throw new InvalidArgumentError(`${what}: not an image archive: it has neither index.json (OCI) nor manifest.json (docker-archive)`);
  if (found.length === 0) throw new InvalidArgumentError(`${what}: the archive holds no images`);

  const updates: RefUpdate[] = [];
  const out: LoadedImage[] = [];
  for (const img of found) {
    const config = parseJson(img.rawConfig, `${what}: image config`) as ImageConfig;
    const diffIds = config?.rootfs?.diff_ids;
    if (!Array.isArray(diffIds)) throw new InvalidArgumentError(`${what}: image config has no rootfs.diff_ids`);
    if (diffIds.length !== img.layers.length) {
      throw new InvalidArgumentError(`${what}: image config lists ${diffIds.length} layers but the manifest has ${img.layers.length}`);
    }
    img.layers.forEach((l, i) => {
      if (l.record.diffId !== diffIds[i]) {
        throw new InvalidArgumentError(
          `${what}: layer ${i + 1} does not match the image config: config says ${diffIds[i]}, content is ${l.record.diffId}`,
        );
      }
    });
    const staged = await stageImage(e, { rawConfig: img.rawConfig, layers: img.layers.map((l) => l.record) });
    updates.push(...staged.updates, ...tagUpdates(staged.id, img.tags));
    const existing = out.find((o) => o.id === staged.id);
    if (existing) existing.tags.push(...img.tags);
    else out.push({ id: staged.id, tags: [...img.tags] });
  }
  await e.commitRefs(updates);
  return out;
}

function fromDockerArchive(meta: Map<string, Uint8Array>, layers: Map<string, ImportedLayer>, what: string) {
  const entries = parseJson(meta.get('manifest.json')!, `${what}: manifest.json`) as DockerArchiveEntry[];
  if (!Array.isArray(entries)) throw new InvalidArgumentError(`${what}: manifest.json is not a list`);
  return entries.map((m, i) => {
    if (typeof m?.Config !== 'string' || !Array.isArray(m.Layers)) {
      throw new InvalidArgumentError(`${what}: manifest.json entry ${i + 1} lacks Config or Layers`);
    }
    const rawConfig = meta.get(clean(m.Config));
    if (!rawConfig) throw new InvalidArgumentError(`${what}: manifest.json names config ${m.Config}, which is not in the archive`);
    return {
      rawConfig,
      layers: m.Layers.map((p) => {
        const l = layers.get(clean(p));
        if (!l) throw new InvalidArgumentError(`${what}: manifest.json names layer ${p}, which is not in the archive (or is not a tar)`);
        return l;
      }),
      tags: (m.RepoTags ?? []).map(normaliseTag),
    };
  });
}

function fromOciLayout(meta: Map<string, Uint8Array>, layers: Map<string, ImportedLayer>, what: string) {
  const blob = (d: Descriptor, kind: string): Uint8Array => {
    if (!isDigest(d?.digest)) throw new InvalidArgumentError(`${what}: ${kind} descriptor has an invalid digest ${JSON.stringify(d?.digest)}`);
    const b = meta.get(`blobs/sha256/${d.digest.slice(7)}`);
    if (!b) throw new InvalidArgumentError(`${what}: ${kind} ${d.digest} is not in the archive`);
    if (typeof d.size === 'number' && d.size !== b.length) throw new InvalidArgumentError(`${what}: ${kind} ${d.digest}: size ${b.length}, descriptor says ${d.size}`);
    return b;
  };
  const out: Array<{ rawConfig: Uint8Array; layers: ImportedLayer[]; tags: string[] }> = [];
  const visit = (d: Descriptor, inherited: Record<string, string> | undefined, depth: number) => {
    if (depth > 4) throw new InvalidArgumentError(`${what}: image indexes nested too deep`);
    const annotations = { ...(inherited ?? {}), ...(d.annotations ?? {}) };
    const bytes = blob(d, 'manifest');
    const doc = parseJson(bytes, `${what}: manifest ${d.digest}`) as Manifest & Index;
    if (isIndexType(d.mediaType) || isIndexType(doc.mediaType) || Array.isArray(doc.manifests)) {
      const pick = choosePlatform(doc.manifests ?? []);
      if (!pick) throw new InvalidArgumentError(`${what}: image index ${d.digest} has no linux/amd64 image`);
      visit(pick, annotations, depth + 1);
      return;
    }
    if (!doc.config || !Array.isArray(doc.layers)) throw new InvalidArgumentError(`${what}: manifest ${d.digest} lacks config or layers`);
    const rawConfig = blob(doc.config, 'config');
    const ls = doc.layers.map((ld, i) => {
      if (!isDigest(ld?.digest)) throw new InvalidArgumentError(`${what}: layer ${i + 1} of ${d.digest} has an invalid digest`);
      const l = layers.get(`blobs/sha256/${ld.digest.slice(7)}`);
      if (!l) throw new InvalidArgumentError(`${what}: layer ${ld.digest} is not in the archive (or is not a tar)`);
      return l;
    });
    const tag = tagFromAnnotations(annotations);
    const existing = out.find((o) => sameBytes(o.rawConfig, rawConfig));
    if (existing) {
      if (tag && !existing.tags.includes(tag)) existing.tags.push(tag);
    } else out.push({ rawConfig, layers: ls, tags: tag ? [tag] : [] });
  };
  const index = parseJson(meta.get('index.json')!, `${what}: index.json`) as Index;
  if (!Array.isArray(index?.manifests)) throw new InvalidArgumentError(`${what}: index.json has no manifests`);
  for (const d of index.manifests) visit(d, undefined, 0);
  return out;
}

function choosePlatform(ms: Descriptor[]): Descriptor | undefined {
  if (ms.length === 1) return ms[0];
  return ms.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ?? ms.find((m) => !m.platform);
}

function tagFromAnnotations(a: Record<string, string>): string | undefined {
  const full = a[ANNOTATION_IMAGE_NAME];
  if (full) return normaliseTag(full);
  const ref = a[ANNOTATION_REF_NAME];
  if (!ref) return undefined;
  // A bare tag (skopeo's `oci:dir:tag`) names no repository: load the image untagged.
  if (!ref.includes('/') && !ref.includes(':')) return undefined;
  try {
    return normaliseTag(ref);
  } catch {
    return undefined;
  }
}

function normaliseTag(t: string): string {
  const r = parseReference(t);
  return formatTagged({ repository: r.repository, tag: r.tag ?? 'latest' });
}

function clean(p: string): string {
  return p.replace(/^\.\//, '').replace(/^\/+/, '');
}

function checkBlobName(path: string, actual: Digest, what: string): void {
  const m = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(path);
  if (m && `sha256:${m[1]}` !== actual) throw new DigestMismatchError(`${what}: ${path}`, parseDigest(`sha256:${m[1]}`), actual);
}

/** Is this file a layer (a tar, maybe gzip-compressed) or metadata? Peeks without consuming. */
async function classify(src: ByteStream): Promise<{ kind: 'layer' | 'meta'; stream: ByteStream }> {
  const { head, stream } = await peek(src, 512);
  const tar = head.length >= 512 && (ascii(head, 257, 5) === 'ustar' || head.subarray(0, 512).every((b) => b === 0));
  return { kind: (head[0] === 0x1f && head[1] === 0x8b) || tar ? 'layer' : 'meta', stream };
}

function ascii(b: Uint8Array, off: number, len: number): string {
  return String.fromCharCode(...b.subarray(off, off + len));
}

async function* hashRaw(src: ByteStream, done: (d: Digest) => void): ByteStream {
  const h = host().sha256();
  for await (const c of src) {
    h.update(c);
    yield c;
  }
  done(h.digest());
}

async function collect(src: ByteStream, limit: number, what: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of src) {
    n += c.length;
    if (n > limit) throw new ResourceExhaustedError(`${what}: metadata larger than ${MAX_METADATA_BYTES} bytes in all`);
    parts.push(c);
  }
  return concatBytes(parts);
}


function sha(b: Uint8Array): Digest {
  const h = host().sha256();
  h.update(b);
  return h.digest();
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

