import type { Digest } from '../digest/digest.ts';

/**
 * A filesystem node as layerbox stores it. Directories are Merkle nodes: `tree` is the
 * digest of a directory blob listing the children (see directory.ts), so identical
 * directories are stored once across every image. File contents are blobs named by
 * `digest`.
 *
 * `mode` holds permission bits only (0o7777, including setuid/setgid/sticky); the type
 * is `type`. `mtime` is seconds since the epoch (may carry a fraction).
 *
 * Two node kinds exist only in layers (diff trees), never in a merged root filesystem:
 * `whiteout` (the name was deleted relative to the layer below) and `hardlink` (another
 * path of the same layer with the same inode, as in a tar hardlink entry).
 */
export interface Meta {
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  /** Extended attributes, values base64-encoded; absent when none. */
  xattrs?: Record<string, string>;
}

export interface FileNode extends Meta {
  type: 'file';
  size: number;
  digest: Digest;
  /**
   * Merged trees only: names of one hard-linked file share this id (a layer records
   * links as `hardlink` nodes; merging turns them into files carrying the group's id,
   * so export and processes still see one inode).
   */
  link?: string;
}

export interface DirNode extends Meta {
  type: 'dir';
  tree: Digest;
  /** Layers only: hides everything below this directory in lower layers. */
  opaque?: true;
  /**
   * Layers only: the layer has no entry for this directory itself, only for things
   * inside it; its metadata comes from the layer below (or defaults).
   */
  implicit?: true;
}

export interface SymlinkNode extends Meta {
  type: 'symlink';
  target: string;
}

export interface DeviceNode extends Meta {
  type: 'char' | 'block';
  major: number;
  minor: number;
}

export interface FifoNode extends Meta {
  type: 'fifo';
}

export interface HardlinkNode {
  type: 'hardlink';
  /** Path of the link's target inside the same layer, relative, without a leading slash. */
  target: string;
}

export interface WhiteoutNode {
  type: 'whiteout';
}

export type Node = FileNode | DirNode | SymlinkNode | DeviceNode | FifoNode | HardlinkNode | WhiteoutNode;
export type MetaNode = Exclude<Node, HardlinkNode | WhiteoutNode>;
export type NodeType = Node['type'];

export function hasMeta(n: Node): n is MetaNode {
  return n.type !== 'hardlink' && n.type !== 'whiteout';
}

/** Docker's diff/ls type letter, and the S_IFMT bits for stat. */
export const S_IFMT: Record<MetaNode['type'], number> = {
  file: 0o100000,
  dir: 0o040000,
  symlink: 0o120000,
  char: 0o020000,
  block: 0o060000,
  fifo: 0o010000,
};
