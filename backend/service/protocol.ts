// What a `layerbox` command and its store's engine service say to each other over the
// service's socket, in runtime/frames.ts frames. The command opens with `hello`; the
// service answers with the command's output on the stdout and stderr channels, asks for
// standard input (`stdin`) only when the command reads it, and ends with `exit`.
//
//   command → service   control {t:'hello', …}        once, first
//                       channel stdin, control {t:'stdin-end'}   after the service asks
//                       control {t:'signal', signal}  SIGINT, SIGTERM, SIGPIPE (stdout's reader left)
//   service → command   channels stdout, stderr
//                       control {t:'stdin'}           start sending standard input
//                       control {t:'exit', code}      the command's status; the end
//                       control {t:'stale'}           another build of layerbox: run it yourself

export interface Hello {
  t: 'hello';
  /** The build of layerbox the command runs; a service of another build does not serve it. */
  build: string;
  argv: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  isTTY: boolean;
  stdinIsTTY: boolean;
  columns?: number;
}

export function isHello(m: Record<string, unknown>): m is Record<string, unknown> & Hello {
  return (
    m.t === 'hello' && typeof m.build === 'string' && Array.isArray(m.argv) && m.argv.every((a) => typeof a === 'string') &&
    typeof m.cwd === 'string' && typeof m.env === 'object' && m.env !== null && typeof m.isTTY === 'boolean' && typeof m.stdinIsTTY === 'boolean'
  );
}
