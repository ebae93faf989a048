export type { BlobStore } from './blob-store.ts';
export type { RefStore, RefUpdate } from './ref-store.ts';
export type { Store } from './store.ts';
export { MemoryBlobStore, MemoryRefStore, MemoryStore } from './memory-store.ts';
