export type { TarBodySource, TarEntry, TarEntryMeta, TarEntryType, TarWriteEntry } from './entry.ts';
export { cleanPath } from './path.ts';
export {
  DEFAULT_MAX_ENTRIES,
  DEFAULT_MAX_HEADER_BYTES,
  DEFAULT_MAX_TRAILER_BYTES,
  readTar,
  TarReader,
  type ReadTarOptions,
  type TarSink,
} from './reader.ts';
export { joinTar, skeletonFiles, skeletonSize, SkeletonRecorder, splitTar, type JoinTarOptions, type SkeletonFile } from './skeleton.ts';
export { tarHeaderBytes, writeTar } from './writer.ts';
