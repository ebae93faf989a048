import { digestHex, type Digest } from '../digest/digest.ts';
import { host, type ByteStream } from '../host.ts';
import type { Engine } from '../engine/engine.ts';
import { getImage, layerRecords, type Image } from '../engine/images.ts';
import { layerTar } from '../layer/layer.ts';
import { writeTar } from '../tar/writer.ts';
import type { TarWriteEntry } from '../tar/entry.ts';
import { qualifiedName } from '../image/reference.ts';
import {
  ANNOTATION_IMAGE_NAME,
  ANNOTATION_REF_NAME,
  MT,
  type Descriptor,
  type DockerArchiveEntry,
  type Index,
  type Manifest,
} from './media-types.ts';

export interface SaveProgress {
  /** Layers written so far and in all. */
  layer: number;
  layers: number;
  /** Uncompressed bytes of layers read so far, and in all. */
  bytes: number;
  totalBytes: number;
}

export interface SaveOptions {
  gzipLevel?: number;
  onProgress?: (p: SaveProgress) => void;
}

const te = new TextEncoder();

/**
 * `save`: one tar that is at once an OCI image layout (`oci-layout`, `index.json`,
 * `blobs/sha256/…`) and a docker-archive (`manifest.json`, `repositories`), with
 * gzip-compressed layers, so `docker load`, `podman load`, skopeo and umoci all accept
 * it. Each layer is written once however many images share it. `names` are what the
 * user typed: a tag saves that tag, an ID saves the image untagged.
 */
export async function* saveImages(e: Engine, names: string[], opts: SaveOptions = {}): ByteStream {
  const images: Array<{ img: Image; tags: string[] }> = [];
  for (const n of names) {
    const img = await getImage(e, n);
    // A name saves that tag; an ID saves the image untagged.
    const tag = img.tags.find((t) => t === n || t === `${n}:latest`);
    const entry = images.find((x) => x.img.id === img.id);
    const tags = tag ? [tag] : [];
    if (entry) entry.tags.push(...tags.filter((t) => !entry.tags.includes(t)));
    else images.push({ img, tags });
  }
  const level = opts.gzipLevel ?? 6;
  const written = new Map<Digest, Descriptor>(); // diff_id → compressed descriptor
  const index: Index = { schemaVersion: 2, mediaType: MT.ociIndex, manifests: [] };
  const dockerManifest: DockerArchiveEntry[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  const allLayers = await Promise.all(images.map(({ img }) => layerRecords(e, img)));
  const unique = new Map(allLayers.flat().map((l) => [l.diffId, l]));
  const progress: SaveProgress = { layer: 0, layers: unique.size, bytes: 0, totalBytes: [...unique.values()].reduce((s, l) => s + l.tarSize, 0) };

  const entries = (async function* (): AsyncIterable<TarWriteEntry> {
    yield { path: 'blobs', type: 'dir', mode: 0o755 };
    yield { path: 'blobs/sha256', type: 'dir', mode: 0o755 };
    yield file('oci-layout', te.encode('{"imageLayoutVersion":"1.0.0"}'));
    for (let i = 0; i < images.length; i++) {
      const { img, tags } = images[i]!;
      const layerDescs: Descriptor[] = [];
      for (const l of allLayers[i]!) {
        let desc = written.get(l.diffId);
        if (!desc) {
          const before = progress.bytes;
          const counted = (async function* () {
            for await (const c of layerTar(e.trees, e.blobs, l)) {
              progress.bytes += c.length;
              yield c;
            }
          })();
          const gz = await compressToMemory(host().gzip(level)(counted));
          progress.bytes = before + l.tarSize;
          desc = { mediaType: MT.ociLayerGzip, digest: gz.digest, size: gz.size };
          written.set(l.diffId, desc);
          yield file(blobPath(gz.digest), gz.chunks, gz.size);
          progress.layer++;
          opts.onProgress?.({ ...progress });
        }
        layerDescs.push(desc);
      }
      const configDesc: Descriptor = { mediaType: MT.ociConfig, digest: img.id, size: img.rawConfig.length };
      yield file(blobPath(img.id), img.rawConfig);
      const manifest: Manifest = { schemaVersion: 2, mediaType: MT.ociManifest, config: configDesc, layers: layerDescs };
      const mbytes = te.encode(JSON.stringify(manifest));
      const mdigest = sha(mbytes);
      yield file(blobPath(mdigest), mbytes);
      const base = { mediaType: MT.ociManifest, digest: mdigest, size: mbytes.length };
      if (tags.length === 0) index.manifests.push(base);
      for (const t of tags) {
        const colon = t.lastIndexOf(':');
        index.manifests.push({
          ...base,
          annotations: { [ANNOTATION_IMAGE_NAME]: qualifiedName(t.slice(0, colon)) + t.slice(colon), [ANNOTATION_REF_NAME]: t.slice(colon + 1) },
        });
        const top = layerDescs[layerDescs.length - 1];
        if (top) (repositories[t.slice(0, colon)] ??= {})[t.slice(colon + 1)] = digestHex(top.digest as Digest);
      }
      dockerManifest.push({ Config: blobPath(img.id), RepoTags: tags.length ? tags : null, Layers: layerDescs.map((d) => blobPath(d.digest as Digest)) });
    }
    yield file('index.json', te.encode(JSON.stringify(index)));
    yield file('manifest.json', te.encode(JSON.stringify(dockerManifest)));
    if (Object.keys(repositories).length) yield file('repositories', te.encode(JSON.stringify(repositories)));
  })();
  yield* writeTar(entries);
}

function blobPath(d: Digest): string {
  return `blobs/sha256/${digestHex(d)}`;
}

function sha(b: Uint8Array): Digest {
  const h = host().sha256();
  h.update(b);
  return h.digest();
}

function file(path: string, body: Uint8Array | Uint8Array[], size?: number): TarWriteEntry {
  if (body instanceof Uint8Array) return { path, type: 'file', mode: 0o644, size: body.length, body };
  const chunks = body;
  return { path, type: 'file', mode: 0o644, size: size!, body: () => (async function* () { yield* chunks; })() };
}

/** Compress fully (the archive needs a blob's size and digest before its bytes). */
async function compressToMemory(src: ByteStream): Promise<{ chunks: Uint8Array[]; size: number; digest: Digest }> {
  const h = host().sha256();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const c of src) {
    h.update(c);
    chunks.push(c);
    size += c.length;
  }
  return { chunks, size, digest: h.digest() };
}
