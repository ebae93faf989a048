// When the reader of our standard output goes away (`layerbox run box yes | head -1`):
// a command ends quietly with 141, as SIGPIPE would end it, unless something running in
// the foreground (a container) takes the news and ends itself first.
const takers = new Set<() => void>();

/** Be told instead of the process exiting; returns an off switch. */
export function onStdoutGone(fn: () => void): () => void {
  takers.add(fn);
  return () => takers.delete(fn);
}

let gone = false;

/** The handler for standard output's and standard error's `error` events. */
export function stdoutError(e: NodeJS.ErrnoException): void {
  if (e.code !== 'EPIPE') return;
  if (takers.size === 0) process.exit(141);
  if (gone) return;
  gone = true;
  for (const fn of [...takers]) fn();
}
