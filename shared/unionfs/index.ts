// The union view of an image's layers under a writable layer (overlayfs semantics).
export { UnionFs } from './unionfs.ts';
export { FsError, type FsErrorCode } from './fs-error.ts';
export type { Change } from './change.ts';
