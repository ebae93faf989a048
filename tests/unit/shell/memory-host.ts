/**
 * A ShellHost with no processes and an empty file system, for tests of the
 * interpreter alone: every external command is "not found", pipes are in memory.
 */
import { FsError, SpawnError, type ShellHost } from '../../../shared/shell/host.ts';
import { bytesReader, CollectingWriter, memoryPipe } from '../../../shared/shell/pipe.ts';
import { runShell, type ShellProcess } from '../../../shared/shell/run.ts';

export function memoryHost(pipeMode: 'concurrent' | 'sequential' = 'concurrent'): ShellHost {
  return {
    pipeMode,
    fs: {
      stat: async () => null,
      lstat: async () => null,
      readdir: async (p) => {
        throw new FsError('ENOENT', p);
      },
      open: async (p) => {
        throw new FsError('ENOENT', p);
      },
      access: async () => false,
      realpath: async (p) => p,
    },
    spawn: (o) => {
      throw new SpawnError(o.argv[0]!, 'not-found');
    },
    pipe: () => (pipeMode === 'concurrent' ? memoryPipe(64 * 1024) : memoryPipe(Infinity, 1024 * 1024)),
  };
}

export interface Started {
  proc: ShellProcess;
  out: CollectingWriter;
  err: CollectingWriter;
}

/** Starts `sh -c script` on a memory host. */
export function startShell(script: string, opts: { stdin?: string; pipeMode?: 'concurrent' | 'sequential'; stdinReader?: import('../../../shared/shell/host.ts').Reader } = {}): Started {
  const out = new CollectingWriter();
  const err = new CollectingWriter();
  const stdin = opts.stdinReader ?? bytesReader(new TextEncoder().encode(opts.stdin ?? ''));
  const proc = runShell(memoryHost(opts.pipeMode), ['sh', '-c', script], { env: { PATH: '/bin', HOME: '/root' }, cwd: '/', stdin, stdout: out, stderr: err });
  return { proc, out, err };
}

export async function sh(script: string, opts: { stdin?: string; pipeMode?: 'concurrent' | 'sequential' } = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  const { proc, out, err } = startShell(script, opts);
  const status = await proc.wait();
  return { status, stdout: out.text(), stderr: err.text() };
}
