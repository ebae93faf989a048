import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Digest } from '../../shared/digest/digest.ts';
import { digestHex } from '../../shared/digest/digest.ts';

/**
 * The on-disk layout of a store root:
 *
 *   layout-version     "1\n"; written last when a store is created, so its presence marks a store
 *   refs.json          every ref, replaced as a whole by rename
 *   blobs/sha256/<hex> immutable blob files, mode 0444
 *   tmp/               staged blobs and ref files being written, named after their owner process
 *   volatile/<ns>/<key> records that need no durability barrier (a --rm container's state)
 *   recycled/          emptied files of deleted blobs, reused for new ones (recycled-files.ts)
 *   engine.sock        the store's engine service, while one runs (backend/service)
 */
export const LAYOUT_VERSION = 1;

/** Entries a store root may hold; an unknown entry means the folder is not ours. */
/** `containers/` holds running containers' logs (Docker's json-file), outside the content-addressed store. */
export const LAYOUT_ENTRIES: ReadonlySet<string> = new Set(['layout-version', 'refs.json', 'blobs', 'tmp', 'containers', 'volatile', 'recycled', 'engine.sock']);

export class StoreLayout {
  readonly root: string;
  readonly versionFile: string;
  readonly refsFile: string;
  readonly blobsDir: string;
  readonly sha256Dir: string;
  readonly tmpDir: string;
  readonly volatileDir: string;
  readonly recycledDir: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.versionFile = join(this.root, 'layout-version');
    this.refsFile = join(this.root, 'refs.json');
    this.blobsDir = join(this.root, 'blobs');
    this.sha256Dir = join(this.blobsDir, 'sha256');
    this.tmpDir = join(this.root, 'tmp');
    this.volatileDir = join(this.root, 'volatile');
    this.recycledDir = join(this.root, 'recycled');
  }

  blobPath(d: Digest): string {
    return join(this.sha256Dir, digestHex(d));
  }
}

/**
 * The store root used when none is given: `$LAYERBOX_ROOT`, else
 * `$XDG_DATA_HOME/layerbox`, else `~/.local/share/layerbox`.
 */
export function defaultStoreRoot(env: Readonly<Record<string, string | undefined>> = process.env, cwd = process.cwd()): string {
  if (env.LAYERBOX_ROOT) return resolve(cwd, env.LAYERBOX_ROOT);
  if (env.XDG_DATA_HOME) return join(resolve(cwd, env.XDG_DATA_HOME), 'layerbox');
  return join(env.HOME || homedir(), '.local', 'share', 'layerbox');
}
