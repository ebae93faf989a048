// Driving the built `layerbox` command (dist/layerbox.js) as a child process against a
// store in a scratch folder, and describing what it leaves on disk, for the CLI
// end-to-end tests in this folder.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { run, type RunOptions, type RunResult } from '../../harness/peers.ts';

/** The bundle `node backend/build.mjs` writes (`npm test` builds it first). */
export const LAYERBOX_JS = fileURLToPath(new URL('../../../dist/layerbox.js', import.meta.url));

/** Throws with the command to run when the CLI has not been built. */
export function requireCli(): string {
  if (!existsSync(LAYERBOX_JS)) {
    throw new Error(`${LAYERBOX_JS} is missing: build it with 'node backend/build.mjs' (npm test does)`);
  }
  return LAYERBOX_JS;
}

/** `layerbox --root ROOT ARGS…`; throws on a non-zero exit unless `check: false`. */
export function layerbox(root: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return run([process.execPath, requireCli(), '--root', root, ...args], { timeoutMs: 180_000, ...opts });
}

/** Like `layerbox` but expects failure: returns the result of a non-zero exit. */
export async function layerboxFails(root: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await layerbox(root, args, { ...opts, check: false });
  if (r.code === 0) throw new Error(`layerbox ${args.join(' ')} succeeded where it should fail:\n${r.stdout}${r.stderr}`);
  return r;
}

/** Non-empty lines of a text. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

/**
 * The failure was reported as one line on stderr, `Error: …`, matching every pattern,
 * with no stack trace, and the exit code was 1.
 */
export function expectOneLineError(r: RunResult, ...patterns: RegExp[]): string {
  const errs = lines(r.stderr);
  expect(r.code, `exit code of ${r.argv.slice(2).join(' ')}`).toBe(1);
  expect(errs, `stderr of ${r.argv.slice(2).join(' ')}`).toHaveLength(1);
  const line = errs[0]!;
  expect(line).toMatch(/^Error: \S/);
  expect(line).not.toMatch(/\n\s+at /);
  for (const p of patterns) expect(line).toMatch(p);
  return line;
}

export type StoreListing = string[];

/**
 * Every entry below `root`, one line each: `path/` for a folder, `path size sha256`
 * for a file, `path -> target` for a link. Two equal listings mean byte-identical trees.
 */
export async function listStore(root: string): Promise<StoreListing> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      const rel = relative(root, path);
      // The engine service's socket comes and goes with the service; it holds no content.
      if (rel === 'engine.sock') continue;
      const st = await lstat(path);
      if (st.isDirectory()) {
        out.push(`${rel}/`);
        // Emptied files kept for reuse (backend/store/recycled-files.ts): a write takes
        // some whether it succeeds or not, and they hold no content.
        if (rel === 'recycled') continue;
        await walk(path);
      } else if (st.isSymbolicLink()) {
        out.push(`${rel} -> ${await readlink(path)}`);
      } else {
        const hash = createHash('sha256').update(await readFile(path)).digest('hex');
        out.push(`${rel} ${st.size} ${hash}`);
      }
    }
  };
  await walk(root);
  return out;
}

/** `system check` exits 0 and says ok. */
export async function expectStoreChecks(root: string): Promise<void> {
  const r = await layerbox(root, ['system', 'check'], { check: false });
  expect(r.stderr, 'system check problems').toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/system check: .*: ok/);
}

/** `images` as `repo:tag id` lines (`<none>:<none> id` for untagged), sorted. */
export async function imageRows(root: string): Promise<string[]> {
  const r = await layerbox(root, ['images', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']);
  // Every new store starts with the built-in box image; the rows are the others.
  return lines(r.stdout).filter((l) => !l.startsWith(`${BUILT_IN} `)).sort();
}

/** The image every new store holds (see run.test.ts for its own checks). */
export const BUILT_IN = 'box:latest';

/** The full image ID (`sha256:…`) layerbox has for `name`. */
export async function imageId(root: string, name: string): Promise<string> {
  const r = await layerbox(root, ['image', 'inspect', '--format', '{{.Id}}', name]);
  return r.stdout.trim();
}

/** One path of a root filesystem, as both an exported tar and an unpacked folder can tell it. */
export interface FsEntry {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo';
  /** Permission bits including setuid, setgid and sticky, in octal. */
  mode: string;
  uid: number;
  gid: number;
  size?: number;
  sha256?: string;
  target?: string;
  /** For a file with several names: the first of them in path order (on every member but that one). */
  hardlink?: string;
}

const DESCRIBE_TAR = String.raw`
import hashlib, json, sys, tarfile
def norm(name):
    while name.startswith("./"):
        name = name[2:]
    name = name.strip("/")
    return "/" if name in ("", ".") else "/" + name
out = {}
links = []
with tarfile.open(sys.argv[1], "r:*") as t:
    for m in t:
        p = norm(m.name)
        if p == "/":
            continue
        e = {"path": p, "mode": "%o" % (m.mode & 0o7777), "uid": m.uid, "gid": m.gid}
        if m.isdir():
            e["type"] = "dir"
        elif m.issym():
            e["type"] = "symlink"; e["target"] = m.linkname
        elif m.islnk():
            links.append((p, norm(m.linkname))); continue
        elif m.isfile():
            data = t.extractfile(m).read()
            e.update(type="file", size=len(data), sha256=hashlib.sha256(data).hexdigest())
        elif m.ischr() or m.isblk():
            e["type"] = "char" if m.ischr() else "block"
        elif m.isfifo():
            e["type"] = "fifo"
        out[p] = e
groups = {}
for p, target in links:
    out[p] = dict(out[target], path=p)
    groups.setdefault(target, [target]).append(p)
for members in groups.values():
    first = sorted(members)[0]
    for p in members:
        if p != first:
            out[p]["hardlink"] = first
print(json.dumps(sorted(out.values(), key=lambda e: e["path"])))
`;

/** The entries of a tar (a container export), read by Python's tarfile, sorted by path. */
export async function describeTar(path: string): Promise<FsEntry[]> {
  const { stdout } = await run(['python3', '-c', DESCRIBE_TAR, path], { timeoutMs: 120_000 });
  return JSON.parse(stdout) as FsEntry[];
}

/** The entries below a folder (an unpacked root filesystem), sorted by path. */
export async function describeDir(dir: string): Promise<FsEntry[]> {
  const out: FsEntry[] = [];
  const byInode = new Map<string, string[]>();
  const walk = async (d: string): Promise<void> => {
    for (const name of await readdir(d)) {
      const full = join(d, name);
      const st = await lstat(full);
      const e: FsEntry = {
        path: '/' + relative(dir, full),
        type: 'file',
        mode: (st.mode & 0o7777).toString(8),
        uid: st.uid,
        gid: st.gid,
      };
      if (st.isDirectory()) {
        e.type = 'dir';
        await walk(full);
      } else if (st.isSymbolicLink()) {
        e.type = 'symlink';
        e.target = await readlink(full);
      } else if (st.isFile()) {
        const data = await readFile(full);
        e.size = data.length;
        e.sha256 = createHash('sha256').update(data).digest('hex');
        if (st.nlink > 1) {
          const key = `${st.dev}:${st.ino}`;
          byInode.set(key, [...(byInode.get(key) ?? []), e.path]);
        }
      } else if (st.isCharacterDevice()) e.type = 'char';
      else if (st.isBlockDevice()) e.type = 'block';
      else if (st.isFIFO()) e.type = 'fifo';
      out.push(e);
    }
  };
  await walk(dir);
  for (const members of byInode.values()) {
    if (members.length < 2) continue;
    const first = [...members].sort()[0]!;
    for (const e of out) if (members.includes(e.path) && e.path !== first) e.hardlink = first;
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** mulberry32: a small seeded generator, so a failing run can be repeated. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
