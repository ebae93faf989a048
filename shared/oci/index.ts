// Interchange: OCI image layouts and docker-archives in both directions, import and export.
export { saveImages, type SaveOptions, type SaveProgress } from './save.ts';
export { loadImages, type LoadOptions, type LoadProgress, type LoadedImage } from './load.ts';
export { filesOfTar, type ArchiveFile } from './archive-source.ts';
export { exportContainer, importRootfs, mergedEntries } from './rootfs-archive.ts';
export { MT, type Descriptor, type Manifest, type Index, type DockerArchiveEntry } from './media-types.ts';
