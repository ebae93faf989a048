// A CliIO that keeps what commands write, for tests.
import type { CliIO } from '../../../shared/cli/command.ts';

export interface MemoryIO extends CliIO {
  out: string;
  err: string;
}

export function memoryIO(opts: { isTTY?: boolean; columns?: number; env?: Record<string, string> } = {}): MemoryIO {
  const decoder = new TextDecoder();
  const io: MemoryIO = {
    out: '',
    err: '',
    isTTY: opts.isTTY ?? false,
    env: opts.env ?? {},
    columns: opts.columns,
    stdout(chunk) {
      io.out += typeof chunk === 'string' ? chunk : decoder.decode(chunk);
    },
    stderr(chunk) {
      io.err += typeof chunk === 'string' ? chunk : decoder.decode(chunk);
    },
  };
  return io;
}
