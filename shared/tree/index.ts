// Merkle directory trees: nodes, directory blobs, reading and editing trees, paths.
export type { Node, NodeType, Meta, MetaNode, FileNode, DirNode, SymlinkNode, DeviceNode, FifoNode, HardlinkNode, WhiteoutNode } from './node.ts';
export { hasMeta, S_IFMT } from './node.ts';
export { encodeDirectory, decodeDirectory, canonicalNode, compareNames, type Entries } from './directory.ts';
export { TreeStore, Directory } from './tree-store.ts';
export { MutableDir, EMPTY_META, type MutableEntry } from './mutable.ts';
export { normalizeHardlinks } from './hardlinks.ts';
export { splitPath, cleanPath, resolvePath, dirname, basename, checkName } from './path.ts';
