// Where a store's engine service listens: a unix socket file in the store's folder, mode
// 0600, so only the store's owner can reach it (an abstract socket, as the store lock
// uses, is open to every user of the machine, and Node cannot check a peer's uid).
import { join } from 'node:path';

/** Longest path a unix socket address holds on Linux, less its terminating NUL. */
const SUN_PATH_MAX = 107;

/** The service's socket for the store at `root` (absolute), or undefined when the path is too long for one. */
export function serviceSocket(root: string): string | undefined {
  const path = join(root, 'engine.sock');
  return Buffer.byteLength(path) <= SUN_PATH_MAX ? path : undefined;
}

/** `LAYERBOX_ENGINE_SERVICE=off` runs every command in its own process. */
export function serviceEnabled(env: NodeJS.ProcessEnv): boolean {
  const v = env.LAYERBOX_ENGINE_SERVICE;
  return v !== 'off' && v !== '0' && v !== 'false';
}
