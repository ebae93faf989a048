// The engine: images, containers, volumes and garbage collection over one store.
export { Engine, DEFAULT_LIMITS, type Limits, type EngineOptions } from './engine.ts';
export { refs, PREFIX } from './refs.ts';
export { getImage, listImages, loadImage, resolveImageId, tagImage, imageSize, layerRecords, type Image } from './images.ts';
export { removeImage, type RemoveResult } from './image-remove.ts';
export { imageHistory, type HistoryRow } from './history.ts';
export { imageRootfs, emptyRoot } from './rootfs.ts';
export { createContainer, listContainers, getContainer, removeContainer, containerFs, containerChanges, saveContainer, type CreateOptions } from './containers.ts';
export type { ContainerState, ContainerStatus, MountPoint, HostConfig } from './container-state.ts';
export { commitContainer, type CommitOptions } from './commit.ts';
export { copyIntoContainer, copyFromContainer, resolveInContainer } from './cp.ts';
export { createVolume, getVolume, listVolumes, removeVolume, type VolumeRecord } from './volumes.ts';
export { collectGarbage, type GcResult } from './gc.ts';
export { prune, type PruneResult } from './prune.ts';
export { diskUsage, type Usage, type UsageRow } from './usage.ts';
export { checkReferences } from './check.ts';
export { inspectImage, inspectContainer, inspectVolume } from './inspect.ts';
export { buildRecipe, type ImageRecipe, type RecipeEntry } from './recipe.ts';
export { ensureImage, missingImageMessage, seedStore, type Catalog } from './catalog.ts';
