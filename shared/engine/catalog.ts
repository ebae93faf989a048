import { NotFoundError } from '../errors.ts';
import { formatTagged, parseTagged } from '../image/reference.ts';
import type { Engine } from './engine.ts';
import { getImage, listImages, type Image } from './images.ts';
import { buildRecipe, type ImageRecipe } from './recipe.ts';

/**
 * The built-in images a host can make without a network: their recipes live in `wasm/`
 * and their inputs (the userland module) come with layerbox. They play the part of a
 * registry that is always reachable: `FROM box` or `run box` makes the image when the
 * store lacks it, as `docker run` pulls.
 */
export interface Catalog {
  /** Normalised `repo:tag` names. */
  readonly names: readonly string[];
  recipe(name: string): Promise<ImageRecipe | undefined>;
}

function normalise(ref: string): string | undefined {
  try {
    return formatTagged(parseTagged(ref));
  } catch {
    return undefined;
  }
}

/**
 * The image `ref` names, made from the catalog when the store lacks it. A name that is
 * neither here nor built in gets an error listing what exists and how to load more.
 * Takes the write lock only when it builds, unless the caller says it holds it.
 */
export async function ensureImage(e: Engine, ref: string, opts: { locked?: boolean } = {}): Promise<Image> {
  try {
    return await getImage(e, ref);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    const name = normalise(ref);
    const recipe = name && e.catalog?.names.includes(name) ? await e.catalog.recipe(name) : undefined;
    if (!recipe) throw new NotFoundError(await missingImageMessage(e, ref));
    const make = async () => {
      // Another process may have made it while this one waited for the lock.
      if (!(await hasImage(e, ref))) await buildRecipe(e, recipe);
    };
    // A caller inside `write` (a build reaching FROM) already holds the lock.
    await (opts.locked ? make() : e.write(make));
    return getImage(e, ref);
  }
}

async function hasImage(e: Engine, ref: string): Promise<boolean> {
  try {
    await getImage(e, ref);
    return true;
  } catch (err) {
    if (err instanceof NotFoundError) return false;
    throw err;
  }
}

/** "No such image" with what the user can use instead. */
export async function missingImageMessage(e: Engine, ref: string): Promise<string> {
  const local = (await listImages(e)).flatMap((i) => i.tags);
  const builtIn = (e.catalog?.names ?? []).filter((n) => !local.includes(n));
  const have = [...new Set([...local, ...builtIn])].sort();
  const list = have.length ? `images available here: ${have.join(', ')}` : 'the store has no images yet';
  return `Unable to find image '${ref}': layerbox works offline and does not pull from registries (${list}); load others with 'layerbox load -i image.tar' (from 'docker save')`;
}

/** Put every built-in image into a store that was just created. */
export async function seedStore(e: Engine): Promise<void> {
  for (const name of e.catalog?.names ?? []) await ensureImage(e, name);
}
