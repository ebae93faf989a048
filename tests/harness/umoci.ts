// umoci 0.4: stateless, so a plain function, e.g. umoci(['unpack', '--image', `${layout}:${tag}`, bundle]).
import { run, type RunOptions, type RunResult } from './exec.ts';
import { requireTool } from './tools.ts';

export function umoci(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return run([requireTool('umoci'), ...args], opts);
}
