export { scanBlob, type BlobStore } from './blob-store.ts';
export type { RefStore, RefUpdate } from './ref-store.ts';
export { commitRefs, type Store } from './store.ts';
export { MemoryBlobStore, MemoryRefStore, MemoryStore } from './memory-store.ts';
export { MemoryVolatileRecords, type VolatileRecords } from './volatile-records.ts';
export { BlobCache } from './blob-cache.ts';
