// Dockerfile builds: contexts, COPY/ADD, metadata instructions, the step cache.
export { build, DEFAULT_PATH, type BuildOptions, type BuildResult } from './builder.ts';
export { MemoryContext, readAll, type BuildContext, type ContextEntry, type MemoryFile } from './context.ts';
export { applyMetadata, getEnv, setEnv } from './metadata.ts';
