import { isDigest, parseDigest, shortId, type Digest } from '../digest/digest.ts';
import { NotFoundError, InvalidArgumentError } from '../errors.ts';
import type { ImageConfig } from '../image/config.ts';
import { decodeImageRecord, parseJson, type ImageRecord, type LayerRecord, decodeLayerRecord } from '../image/records.ts';
import { parseReference, parseTagged, formatTagged } from '../image/reference.ts';
import type { Engine } from './engine.ts';
import { refs, PREFIX } from './refs.ts';

/** An image as the engine hands it out: ID, record, parsed config and tags. */
export interface Image {
  /** The image ID: digest of the raw config. */
  id: Digest;
  recordDigest: Digest;
  record: ImageRecord;
  config: ImageConfig;
  rawConfig: Uint8Array;
  /** `repo:tag` names pointing at this image, sorted. */
  tags: string[];
}

export async function loadImage(e: Engine, id: Digest, tags?: string[]): Promise<Image> {
  const recordDigest = await e.refs.get(refs.image(id));
  if (!recordDigest) throw new NotFoundError(`No such image: ${shortId(id)}`);
  return imageFromRecord(e, recordDigest, tags ?? (await tagsOf(e, id)));
}

/** An image from its record blob, whether or not it is published (a cache entry, an image removed under a container). */
export async function imageFromRecord(e: Engine, recordDigest: Digest, tags: string[] = []): Promise<Image> {
  const record = decodeImageRecord(await e.blobs.get(recordDigest), `image record ${shortId(recordDigest)}`);
  const rawConfig = await e.blobs.get(record.config);
  const config = parseJson(rawConfig, `image config ${shortId(record.config)}`) as ImageConfig;
  return { id: record.config, recordDigest, record, config, rawConfig, tags };
}

export async function tagsOf(e: Engine, id: Digest): Promise<string[]> {
  return (await e.refs.list(PREFIX.tag)).filter(([, d]) => d === id).map(([n]) => n.slice(PREFIX.tag.length));
}

/**
 * Find an image as Docker does: a full ID (`sha256:…` or 64 hex digits), then a name
 * (`repo[:tag]`, tag defaulting to latest), then a unique ID prefix.
 */
export async function resolveImageId(e: Engine, ref: string): Promise<Digest> {
  const notFound = () => new NotFoundError(`No such image: ${ref}`);
  if (isDigest(ref)) {
    if (await e.refs.get(refs.image(ref))) return ref;
    throw notFound();
  }
  if (/^[0-9a-f]{64}$/.test(ref)) return resolveImageId(e, 'sha256:' + ref);
  let tagged: string | undefined;
  try {
    const r = parseReference(ref);
    if (r.digest && !r.tag) {
      throw new InvalidArgumentError(`${ref}: images are found by ID or name here; repository digests are not recorded`);
    }
    tagged = formatTagged({ repository: r.repository, tag: r.tag ?? 'latest' });
  } catch (err) {
    if (!/^[0-9a-f]+$/.test(ref.replace(/^sha256:/, ''))) throw err;
  }
  if (tagged) {
    const id = await e.refs.get(refs.tag(tagged));
    if (id) return id;
  }
  const hex = ref.replace(/^sha256:/, '');
  if (/^[0-9a-f]+$/.test(hex)) {
    const matches = (await e.refs.list(PREFIX.image + hex)).map(([n]) => parseDigest('sha256:' + n.slice(PREFIX.image.length)));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) throw new InvalidArgumentError(`${ref}: ambiguous image ID prefix (matches ${matches.length} images)`);
  }
  throw new NotFoundError(`No such image: ${tagged ?? ref}`);
}

export async function getImage(e: Engine, ref: string): Promise<Image> {
  return loadImage(e, await resolveImageId(e, ref));
}

/** Every image with its tags, newest first. */
export async function listImages(e: Engine): Promise<Image[]> {
  const tags = new Map<Digest, string[]>();
  for (const [n, id] of await e.refs.list(PREFIX.tag)) {
    const list = tags.get(id) ?? [];
    list.push(n.slice(PREFIX.tag.length));
    tags.set(id, list);
  }
  const out: Image[] = [];
  for (const [n] of await e.refs.list(PREFIX.image)) {
    const id = parseDigest('sha256:' + n.slice(PREFIX.image.length));
    out.push(await loadImage(e, id, tags.get(id) ?? []));
  }
  return out.sort((a, b) => (b.config.created ?? '').localeCompare(a.config.created ?? '') || a.id.localeCompare(b.id));
}

export async function layerRecords(e: Engine, img: Image): Promise<LayerRecord[]> {
  const out: LayerRecord[] = [];
  for (const d of img.record.layers) out.push(decodeLayerRecord(await e.blobs.get(d), `layer of image ${shortId(img.id)}`));
  return out;
}

/** The image's size as Docker reports it: bytes of files its layers add. */
export async function imageSize(e: Engine, img: Image): Promise<number> {
  return (await layerRecords(e, img)).reduce((s, l) => s + l.size, 0);
}

/** Point `target` (repo[:tag]) at an image. Returns the normalised tag. Caller holds the lock. */
export async function tagImage(e: Engine, source: string, target: string): Promise<string> {
  const id = await resolveImageId(e, source);
  const name = formatTagged(parseTagged(target));
  await e.commitRefs([{ name: refs.tag(name), value: id }]);
  return name;
}
