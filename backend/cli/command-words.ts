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
