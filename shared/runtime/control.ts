import type { ContainerHost, RunningContainer } from './container-host.ts';
import type { ContainerHandle } from './handle.ts';

/**
 * How commands reach running containers on a host. A container is held by one process:
 * the command that runs it in the foreground, or a monitor started for a detached one;
 * other commands reach it through `handle`. On Node that is a local socket per container;
 * a browser engine holds every container itself; the later WebSocket backend is one more
 * holder reached the same way.
 */
export interface ContainerControl {
  /** The containers this process runs. */
  readonly host: ContainerHost;
  /** A running container's handle, here or in its holder; undefined when nobody holds it. */
  handle(id: string): Promise<ContainerHandle | undefined>;
  /** Start a container in a monitor that outlives this command; resolves once it runs. */
  startDetached(id: string): Promise<void>;
  /** Let other commands reach a container this process runs (exec, stop, logs -f…). */
  serve(running: RunningContainer): () => void;
  /** Whether a holder recorded as a container's Pid is still alive. */
  holderAlive(pid: number): boolean;
  /** Terminal interrupts while a foreground container runs (forwarded to it); returns an off switch. */
  onInterrupt(fn: (signal: string) => void): () => void;
}
