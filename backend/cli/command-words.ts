// The command a `layerbox` argv names, found without parsing it: the launcher keys its
// code cache by it, and the entry sizes libuv's thread pool by it. Only a hint: a
// wrong answer costs start-up time, never correctness.

/** Global flags that take a value, so the command words can be found without parsing. */
const VALUE_FLAGS = new Set(['--root', '-l', '--log-level']);
/** Commands whose next word names the real command (`image ls`). */
const GROUPS = new Set(['builder', 'container', 'image', 'system', 'volume']);

/** `commit`, `image-ls`; `other` for a word that is not a command name, '' for none. */
export function commandKey(argv: readonly string[]): string {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a.startsWith('-')) {
      if (VALUE_FLAGS.has(a)) i++;
      continue;
    }
    if (words.length === 1 && !GROUPS.has(words[0]!)) break;
    words.push(a);
  }
  const key = words.join('-');
  return key === '' || /^[a-z][a-z-]{0,30}$/.test(key) ? key : 'other';
}

/** Commands that read or write many files at once (more threads for file I/O pay off). */
const BULK = new Set(['build', 'builder-build', 'image-build', 'load', 'image-load', 'import', 'image-import', 'save', 'image-save', 'export', 'container-export', 'cp', 'container-cp']);

export function isBulk(key: string): boolean {
  return BULK.has(key);
}

/** `run` and `start` flags that take a value, so the image (where run's own flags end) can be found. */
const RUN_VALUE_FLAGS = new Set([
  '-e', '--env', '--env-file', '-v', '--volume', '-w', '--workdir', '-u', '--user', '--name', '-m', '--memory',
  '--entrypoint', '-h', '--hostname', '--mount', '--stop-signal', '--stop-timeout', '-l', '--label', '--platform',
  '--network', '--restart', '--cidfile', '--detach-keys', '--pull', '--log-driver', '--log-opt',
]);

/**
 * Whether the command runs a program in this process: `run` without `-d`, `start -a`.
 * Flags are read only up to the image (run) or the first container (start).
 */
export function runsProgramHere(argv: readonly string[]): boolean {
  const key = commandKey(argv);
  const run = key === 'run' || key === 'container-run';
  const start = key === 'start' || key === 'container-start';
  if (!run && !start) return false;
  const word = argv.indexOf(run ? 'run' : 'start');
  let attach = false;
  for (let i = word + 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--' || !a.startsWith('-')) break;
    if (RUN_VALUE_FLAGS.has(a)) {
      i++;
      continue;
    }
    const long = a.startsWith('--') ? a.slice(2).split('=')[0]! : undefined;
    const value = a.includes('=') ? a.slice(a.indexOf('=') + 1) : 'true';
    if (run && (long === 'detach' ? value !== 'false' : long === undefined && a.slice(1).includes('d'))) return false;
    if (start && (long === 'attach' ? value !== 'false' : long === undefined && a.slice(1).includes('a'))) attach = true;
  }
  return run || attach;
}
