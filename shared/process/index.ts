// Processes of a container: program resolution, the runtime, workers and their channel,
// stdio streams and pipes, signals, /proc, host applets.
export { ProcessRuntime, type RuntimeOptions, type SpawnOptions } from './runtime.ts';
export { Process } from './process.ts';
export { ProcessTable, type ProcessInfo, type ExitStatus, type ProcessState } from './process-table.ts';
export { ExecError, type ExecErrorCode } from './exec-error.ts';
export { resolveProgram, findProgram, absolutePath, parseShebang, programKind, DEFAULT_PATH, type ResolvedProgram } from './resolve.ts';
export { ModuleCache, HOST_APPLETS_SECTION, type CompiledProgram } from './module-cache.ts';
export { capMemory, definedMemory, WASM_PAGE, type MemoryLimits } from './wasm-binary.ts';
export { hostApplets, type HostApplet, type HostAppletContext, type HostAppletRegistry } from './host-applets.ts';
export { ProcFs, OS_RELEASE, type ProcOptions } from './proc-fs.ts';
export { pipe, PipeReader, PipeWriter, PIPE_CAPACITY, type Pipe } from './pipe.ts';
export { BufferedReader, buffered } from './buffered-reader.ts';
export {
  BrokenPipeError, CollectingWriter, bytesReader, EMPTY_READER, NULL_WRITER,
  type ByteReader, type ByteWriter, type Stdio,
} from './stdio.ts';
export { SIGNALS, SIGKILL, SIGTERM, SIGPIPE, SIGCONT, signalNumber, signalName, defaultAction, type SignalAction } from './signals.ts';
export { WorkerPool, PooledWorker, type WorkerFactory, type WorkerPoolOptions } from './worker-pool.ts';
export { workerMain } from './worker-main.ts';
export type { WorkerHandle, WorkerEndpoint, RunJob, ToWorker, FromWorker, ExitMessage } from './protocol.ts';
export { RemoteError, type SyscallTransport, type SyscallOp, type ChannelServer } from './channel.ts';
export { SabClient, SabServer, createChannelBuffer, DEFAULT_CHANNEL_BYTES } from './sab-channel.ts';
export { RemoteFs, remoteSystem } from './remote-system.ts';
export { WA, type WasmModule, type WasmApi } from './wasm-api.ts';
