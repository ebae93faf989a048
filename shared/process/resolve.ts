/**
 * Finding the program to run, as execvp(3) and execve(2) do: a name without a slash is
 * searched through PATH, a path is taken relative to the working directory; the file
 * must be a regular file the caller may execute. A file starting with `#!` runs its
 * interpreter with the script's path (Linux's binfmt_script, up to 4 levels deep); a
 * WebAssembly module runs itself; anything else is an exec format error.
 */
import { type Cred, type FsApi, type Ino, ROOT_INO } from '../vfs/fs-api.ts';
import { ExecError } from './exec-error.ts';

/** execvp's default search path, and Docker's default PATH. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Linux reads this many bytes of a `#!` line (BINPRM_BUF_SIZE). */
const SHEBANG_MAX = 256;
/** Linux's limit on nested interpreters (BINPRM_MAX_RECURSION). */
const MAX_INTERPRETERS = 4;

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

export interface ResolvedProgram {
  /** The path the program was found at (what execve was given). */
  path: string;
  ino: Ino;
  /** The argv the program sees: `#!` interpreters prepended. */
  argv: string[];
}

/** Absolute form of `p` against the working directory `cwd`. */
export function absolutePath(cwd: string, p: string): string {
  const parts: string[] = [];
  for (const seg of (p.startsWith('/') ? p : `${cwd}/${p}`).split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return '/' + parts.join('/');
}

function tryLookup(fs: FsApi, cred: Cred, path: string): Ino | { code: string } {
  try {
    return fs.lookup(cred, ROOT_INO, path, true);
  } catch (e) {
    return { code: String((e as { code?: unknown }).code ?? 'EIO') };
  }
}

/** Check that `ino` is something `cred` may execute; the error names `shown`. */
function checkExecutable(fs: FsApi, cred: Cred, ino: Ino, shown: string): ExecError | null {
  const st = fs.stat(ino);
  if (st.type === 'dir') return ExecError.isDirectory(shown);
  if (st.type !== 'file') return ExecError.permissionDenied(shown);
  if (!fs.access(cred, ino, 1)) return ExecError.permissionDenied(shown);
  return null;
}

/** Find argv[0] through PATH (or as a path), checking execute permission. */
export function findProgram(fs: FsApi, cred: Cred, name: string, cwd: string, pathVar: string | undefined): { path: string; ino: Ino } {
  if (name === '') throw ExecError.noSuchFile(name);
  if (name.includes('/')) {
    const path = absolutePath(cwd, name);
    const r = tryLookup(fs, cred, path);
    if (typeof r !== 'number') {
      if (r.code === 'EACCES') throw ExecError.permissionDenied(name);
      throw ExecError.noSuchFile(name);
    }
    const err = checkExecutable(fs, cred, r, name);
    if (err) throw err;
    return { path, ino: r };
  }
  let denied: ExecError | null = null;
  for (const dir of (pathVar ?? DEFAULT_PATH).split(':')) {
    const path = absolutePath(cwd, `${dir || '.'}/${name}`);
    const r = tryLookup(fs, cred, path);
    if (typeof r !== 'number') {
      if (r.code === 'EACCES') denied ??= ExecError.permissionDenied(name);
      continue;
    }
    const err = checkExecutable(fs, cred, r, name);
    if (!err) return { path, ino: r };
    // execvp keeps searching past a file it may not run, and reports EACCES at the end.
    denied ??= err;
  }
  throw denied ?? ExecError.notInPath(name);
}

export type ProgramKind = 'wasm' | 'script' | 'unknown';

export function programKind(head: Uint8Array): ProgramKind {
  if (head.length >= 8 && WASM_MAGIC.every((b, i) => head[i] === b)) return 'wasm';
  if (head[0] === 0x23 && head[1] === 0x21) return 'script';
  return 'unknown';
}

/** The interpreter and its optional single argument from a `#!` line. */
export function parseShebang(head: Uint8Array): { interpreter: string; arg: string | null } | null {
  const text = new TextDecoder().decode(head.subarray(2, SHEBANG_MAX));
  const line = text.split('\n')[0]!.replace(/\r$/, '').trim();
  if (!line) return null;
  const m = /^(\S+)(?:[ \t]+(.*))?$/.exec(line);
  if (!m) return null;
  const arg = m[2]?.trim();
  return { interpreter: m[1]!, arg: arg ? arg : null };
}

/**
 * Resolve argv to the module to run: follows `#!` lines to their interpreter, returns
 * the wasm file with the argv it will see. Throws `ExecError`.
 */
export function resolveProgram(fs: FsApi, cred: Cred, argv: string[], cwd: string, pathVar: string | undefined): ResolvedProgram {
  const found = findProgram(fs, cred, argv[0]!, cwd, pathVar);
  let path = found.path;
  let ino = found.ino;
  let args = argv;
  for (let depth = 0; ; depth++) {
    const head = fs.read(ino, 0, SHEBANG_MAX);
    const kind = programKind(head);
    if (kind === 'wasm') return { path, ino, argv: args };
    if (kind !== 'script') throw ExecError.formatError(path);
    if (depth >= MAX_INTERPRETERS) throw ExecError.tooManyInterpreters(path);
    const sb = parseShebang(head);
    if (!sb) throw ExecError.formatError(path);
    const interpPath = absolutePath(cwd, sb.interpreter);
    const r = tryLookup(fs, cred, interpPath);
    if (typeof r !== 'number') {
      if (r.code === 'EACCES') throw ExecError.permissionDenied(sb.interpreter);
      throw ExecError.missingInterpreter(path, sb.interpreter);
    }
    const err = checkExecutable(fs, cred, r, sb.interpreter);
    if (err) throw err;
    // Linux: argv = interpreter, [arg], the script's path, then the original arguments after argv[0].
    args = [sb.interpreter, ...(sb.arg !== null ? [sb.arg] : []), path, ...args.slice(1)];
    path = interpPath;
    ino = r;
  }
}
