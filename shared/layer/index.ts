// Layers: diff trees with OCI whiteouts, their tars (canonical or exact), import and merge.
export { applyLayer } from './merge.ts';
export { importLayer, type ImportOptions } from './import.ts';
export { canonicalTar, canonicalTarDigest, layerTar, layerFromTree, digestStream } from './layer.ts';
export { layerEntries, layerItems, layerContentSize, WHITEOUT_PREFIX, OPAQUE_MARKER, type LayerItem } from './to-tar.ts';
export { openMaybeGzip, sniff, type Compression } from './decompress.ts';
