// A container's filesystem as its processes see it: synchronous, in memory, Linux semantics.
export { ROOT_INO, ROOT_CRED } from './fs-api.ts';
export type { FsApi, Ino, FileType, Cred, Stat, StatFs, DirEntry, OpenFlags, SetAttr, FsErrorCode } from './fs-api.ts';
export { Vfs, type VfsOptions, type MountOptions, type Mount } from './vfs.ts';
export { FsDomain, type DomainOptions } from './domain.ts';
export { CommitPlan, type CommitOp } from './commit.ts';
export { MemorySource, MissingContentError, type TreeSource } from './source.ts';
export { prefetch, type PrefetchOptions, type Prefetched } from './prefetch.ts';
export type { SyntheticProvider, SyntheticNode } from './synthetic.ts';
