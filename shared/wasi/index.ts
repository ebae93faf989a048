// A WASI preview1 host over the container filesystem, plus the `layerbox` imports.
export { WasiHost, WasiSignal, WASIProcExit, type WasiHostOptions } from './wasi-host.ts';
export type {
  WasiSystem, StreamHub, StreamRef, ProcessCalls, ProcessState, InheritedFd, SpawnRequest, SpawnResult, StatFs,
} from './system.ts';
export { E, errnoOf, errnoFromName, errnoName } from './errno.ts';
export { terminates } from './layerbox-imports.ts';
export { HostFd, type ExtStat } from './host-fd.ts';
export { DirFd } from './dir-fd.ts';
export { FileFd } from './file-fd.ts';
export { StreamFd } from './stream-fd.ts';
export { DeviceFd } from './device-fd.ts';
export { monotonicNs, realtimeNs } from './clock.ts';
