// The layerbox command line over the engine: one command table for Node and the browser terminal.
export { program } from './program.ts';
export type { LayerboxIO, HostFiles, Ctx } from './io.ts';
