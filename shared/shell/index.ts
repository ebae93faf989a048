/** layerbox's POSIX shell: the /bin/sh of every container. */
export type { FileStat, FileType, OpenFile, OpenMode, Pipe, ProcessHandle, Reader, ShellFs, ShellHost, SpawnOptions, Writer, Errno, SpawnFailure } from './host.ts';
export { BrokenPipeError, FsError, SpawnError, strerror } from './host.ts';
export { createShell, runShell, type ShellProcess, type ShellStartOptions } from './run.ts';
export { LineFeeder } from './session.ts';
export { Shell } from './interp.ts';
export { parse, Parser, ShellSyntaxError } from './parser.ts';
export type * as ast from './ast.ts';
export { bytesReader, CollectingWriter, memoryPipe } from './pipe.ts';
