// Scratch folders for peers. Names stay short because dockerd and containerd put unix
// sockets under them and a socket path is limited to 107 bytes.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './exec.ts';

export function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Mount points at or below `dir`, deepest first. */
async function mountsBelow(dir: string): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const points = text
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8))))
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/**
 * Removes `dir` and everything below it. Overlay and bind mounts a peer left behind
 * (a daemon killed mid-way, a container storage layer) are lazily unmounted first,
 * so removal never walks into a lower layer that is not ours.
 */
export async function removeTree(dir: string): Promise<void> {
  for (const point of await mountsBelow(dir)) {
    await run(['umount', '-l', point], { check: false });
  }
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}
