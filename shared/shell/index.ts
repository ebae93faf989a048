/**
 * layerbox's POSIX shell: the /bin/sh of every container (RUN's shell form, `sh -c`,
 * `run -it box sh`). It runs on the engine's thread and drives processes, pipes and
 * files through a ShellHost that the container runtime implements.
 */
export type { Errno, FileStat, FileType, OpenFile, OpenMode, Pipe, ProcessHandle, Reader, ShellFs, ShellHost, SpawnFailure, SpawnOptions, Writer } from './host.ts';
export { BrokenPipeError, FsError, SEQUENTIAL_PIPE_LIMIT, SpawnError, strerror } from './host.ts';
export { createShell, runShell, type ShellProcess, type ShellStartOptions } from './run.ts';
export { LineFeeder } from './session.ts';
export { Shell } from './interp.ts';
export { parse, Parser, ShellSyntaxError } from './parser.ts';
export type * as ast from './ast.ts';
export { bytesReader, CollectingWriter, memoryPipe } from './pipe.ts';
