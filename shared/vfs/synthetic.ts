import type { Cred } from './fs-api.ts';

/** One node of a synthetic tree, as its provider describes it at the moment of a lookup. */
export interface SyntheticNode {
  type: 'file' | 'dir' | 'symlink';
  /** Permission bits (0o7777). */
  mode: number;
  /** Owner; root when absent. */
  uid?: number;
  gid?: number;
  /** Symlinks: where the link points (may depend on the caller, as `/proc/self`). */
  target?: string;
}

/**
 * A tree whose listings and contents are generated when they are looked at, such as
 * `/proc` (the process runtime provides it). Paths are relative to the mount: '' is its
 * root, names are joined with '/'. The caller's credentials (with its pid) come with each
 * call. Files are generated once per open: a reader sees one consistent snapshot.
 * Nothing can be created, removed or renamed in a synthetic tree.
 */
export interface SyntheticProvider {
  /** The node at `path`, or undefined when there is none (now). */
  node(path: string, caller: Cred): SyntheticNode | undefined;
  /** Names in the directory at `path`. */
  list(path: string, caller: Cred): string[];
  /** The contents of the file at `path`, generated now. */
  read(path: string, caller: Cred): Uint8Array;
  /**
   * Accept bytes written to the file at `path` (each write call as it comes, offsets are
   * not kept); without it synthetic files cannot be opened for writing.
   */
  write?(path: string, data: Uint8Array): void;
}
