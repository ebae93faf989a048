// Images: OCI configs, stored records, references and chain IDs.
export type { ImageConfig, ContainerConfig, HistoryEntry, HealthConfig } from './config.ts';
export { DEFAULT_PLATFORM } from './config.ts';
export { decodeImageRecord, decodeLayerRecord, encodeRecord, parseJson, type ImageRecord, type LayerRecord } from './records.ts';
export { parseReference, parseTagged, formatTagged, qualifiedName, type Reference } from './reference.ts';
export { chainIds } from './chain.ts';
