export { openFsStore, FsStore, type FsStoreOptions } from './fs-store.ts';
export { FsBlobStore, type FsBlobStoreOptions } from './fs-blob-store.ts';
export { FsRefStore } from './fs-ref-store.ts';
export { checkStore, describeCheck, type StoreCheckReport } from './check-store.ts';
export { StoreLayout, defaultStoreRoot, LAYOUT_VERSION } from './layout.ts';
export { ProcessLock, folderLock, type LockWaitOptions, type Release } from './process-lock.ts';
export { SYNCFS_MIN_FILES, type Durability } from './durability.ts';
