// Layers: diff trees with OCI whiteouts, their tars (canonical or exact), import and merge.
export { applyLayer } from './merge.ts';
export { importLayer, type ImportOptions } from './import.ts';
export { canonicalTar, layerTar, layerFromTree, digestStream } from './layer.ts';
export { layerEntries, layerContentSize, WHITEOUT_PREFIX, OPAQUE_MARKER } from './to-tar.ts';
export { openMaybeGzip, sniff, type Compression } from './decompress.ts';
