// skopeo 1.9: stateless, so a plain function. It runs with --insecure-policy, so no
// signature policy file is consulted; pass --src-tls-verify=false / --dest-tls-verify=false
// for the loopback registry.
import { run, type RunOptions, type RunResult } from './exec.ts';
import { requireTool } from './tools.ts';

export function skopeo(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return run([requireTool('skopeo'), '--insecure-policy', ...args], opts);
}
