/**
 * Host applets: programs the host runs itself when a module declares them (custom
 * section `layerbox.host-applets`, ABI.md) and is invoked under one of their names. The
 * userland's `sh` is such a stub; the shell of the core is registered here as `sh`:
 *
 *   hostApplets.set('sh', async (ctx) => runShell(ctx));
 *
 * An applet runs on the engine's thread as a process of its own (it has a pid, shows in
 * `ps`, can be signalled) and starts children through `ctx.runtime`.
 */
import type { Cred, FsApi } from '../vfs/fs-api.ts';
import type { ByteReader, ByteWriter } from './stdio.ts';
import type { ProcessRuntime } from './runtime.ts';

export interface HostAppletContext {
  argv: string[];
  env: string[];
  cwd: string;
  stdin: ByteReader;
  stdout: ByteWriter;
  stderr: ByteWriter;
  /** The streams are a terminal. */
  tty: boolean;
  pid: number;
  ppid: number;
  cred: Cred;
  umask: number;
  /** The container's filesystem (synchronous). */
  fs: FsApi;
  /** Start child processes: pass `ppid: ctx.pid`. */
  runtime: ProcessRuntime;
  /**
   * Handle signals sent to this process. Without a handler a signal whose default action
   * terminates ends the process at once (its eventual result is ignored).
   */
  onSignal(handler: (sig: number) => void, handles?: (sig: number) => boolean): void;
}

/** Runs the applet to completion; resolves with its exit status. */
export type HostApplet = (ctx: HostAppletContext) => Promise<number>;

export type HostAppletRegistry = Map<string, HostApplet>;

/** The engine-wide registry the runtime consults unless given another. */
export const hostApplets: HostAppletRegistry = new Map();
