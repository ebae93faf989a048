import { isDigest, shortId, type Digest } from '../digest/digest.ts';
import { FailedPreconditionError } from '../errors.ts';
import { formatTagged, parseReference } from '../image/reference.ts';
import type { RefUpdate } from '../store/ref-store.ts';
import type { Engine } from './engine.ts';
import { resolveImageId, tagsOf } from './images.ts';
import { listContainers } from './containers.ts';
import { refs } from './refs.ts';

export interface RemoveResult {
  untagged: string[];
  deleted: Digest[];
}

/**
 * `rmi`, with Docker's rules: removing one of several tags only untags; removing the
 * last tag, or the image by ID, deletes the image. An image used by a container cannot
 * be deleted without `force` (and never while that container runs); an image with
 * several tags cannot be deleted by ID without `force`. Blobs are freed by garbage
 * collection afterwards. Caller holds the lock.
 */
export async function removeImage(e: Engine, ref: string, opts: { force?: boolean } = {}): Promise<RemoveResult> {
  const id = await resolveImageId(e, ref);
  const tags = await tagsOf(e, id);
  const named = await namedTag(e, ref, id);
  const users = (await listContainers(e)).filter((c) => c.Image === id);
  const running = users.find((c) => c.State.Running);

  if (named && tags.length > 1) {
    await e.commitRefs([{ name: refs.tag(named), value: null, expect: id }]);
    return { untagged: [named], deleted: [] };
  }
  if (running) {
    throw new FailedPreconditionError(
      `conflict: unable to ${named ? `remove repository reference "${ref}"` : `delete ${shortId(id)}`} (cannot be forced) - image is being used by running container ${shortId(running.Id)}`,
    );
  }
  if (!opts.force) {
    if (users.length) {
      const c = users[0]!;
      if (named) {
        throw new FailedPreconditionError(
          `conflict: unable to remove repository reference "${ref}" (must force) - container ${shortId(c.Id)} is using its referenced image ${shortId(id)}`,
        );
      }
      throw new FailedPreconditionError(`conflict: unable to delete ${shortId(id)} (must be forced) - image is being used by stopped container ${shortId(c.Id)}`);
    }
    if (!named && tags.length > 1) {
      throw new FailedPreconditionError(`conflict: unable to delete ${shortId(id)} (must be forced) - image is referenced in multiple repositories`);
    }
  }
  const updates: RefUpdate[] = tags.map((t) => ({ name: refs.tag(t), value: null }));
  // With force and containers still using it, Docker only untags; the image stays for them.
  const deleted: Digest[] = [];
  if (users.length === 0) {
    updates.push({ name: refs.image(id), value: null });
    deleted.push(id);
  }
  await e.commitRefs(updates);
  return { untagged: tags, deleted };
}

/** The tag `ref` names when it was resolved as a name (not as an ID), else undefined. */
async function namedTag(e: Engine, ref: string, id: Digest): Promise<string | undefined> {
  if (isDigest(ref) || /^[0-9a-f]{64}$/.test(ref)) return undefined;
  try {
    const r = parseReference(ref);
    const name = formatTagged({ repository: r.repository, tag: r.tag ?? 'latest' });
    return (await e.refs.get(refs.tag(name))) === id ? name : undefined;
  } catch {
    return undefined;
  }
}
