/**
 * A single-threaded `WasiSystem` for tests of the WASI host without workers: the real
 * Vfs, stdin from fixed bytes, stdout and stderr collected, one process.
 */
import type { Vfs } from '../../../shared/vfs/index.ts';
import { E } from '../../../shared/wasi/errno.ts';
import type { WasiSystem } from '../../../shared/wasi/system.ts';

export interface LocalSystem extends WasiSystem {
  stdout(): string;
  stderr(): string;
}

export function localSystem(fs: Vfs, stdin = ''): LocalSystem {
  let input = new TextEncoder().encode(stdin);
  const out: Uint8Array[][] = [[], [], []];
  const text = (n: number): string => new TextDecoder().decode(Buffer.concat(out[n]!));
  const cell = new Int32Array(new SharedArrayBuffer(4));
  return {
    fs,
    streams: {
      read(_id, max) {
        if (!input.length) return null;
        const b = input.subarray(0, max);
        input = input.subarray(b.length);
        return b;
      },
      write(id, data) {
        out[id]!.push(data.slice());
      },
      poll: (ids) => ids,
    },
    proc: {
      pid: 1,
      ppid: 0,
      kill: (pid) => (pid === 1 ? E.SUCCESS : E.SRCH),
      spawn: () => ({ ok: false, errno: E.NOSYS }),
      statfs: (_c, ino) => fs.statfs(ino),
    },
    sleep: (ms) => void Atomics.wait(cell, 0, 0, ms),
    stdout: () => text(1),
    stderr: () => text(2),
  };
}
