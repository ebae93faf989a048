/**
 * Runs the WebAssembly/wasi-testsuite (prebuilt wasm32-wasip1 tests and their JSON specs)
 * through layerbox's own runtime: each test's `root` directory is copied into a fresh
 * in-memory container filesystem (a `Vfs`), the module runs in a process worker with the
 * spec's args and env, and its exit code, stdout and stderr are compared with the spec.
 *
 *   node --import tsx bench/wasi-testsuite.ts [suite-tests-dir] [--filter text] [--verbose]
 *
 * The suite is not part of the project. Fetch it with
 *   git clone -b prod/testsuite-base https://github.com/WebAssembly/wasi-testsuite /tmp/wasi-testsuite
 * (or set WASI_TESTSUITE to its `tests` folder). Prints one line per failure, then the
 * counts and a JSON summary.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { nodeWorkerPool } from '../backend/process/index.ts';
import { CollectingWriter, ProcessRuntime, SIGKILL, type ExitStatus } from '../shared/process/index.ts';
import { FsDomain, ROOT_CRED, ROOT_INO, Vfs } from '../shared/vfs/index.ts';

interface Spec {
  args?: string[];
  env?: Record<string, string>;
  root?: string | null;
  exit_code?: number;
  stdout?: string;
  stderr?: string;
  operations?: unknown[];
}

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const filterAt = args.indexOf('--filter');
const filter = filterAt >= 0 ? args[filterAt + 1] : undefined;
const dirArg = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--filter');
const suite = dirArg ?? process.env.WASI_TESTSUITE ?? '/tmp/wasi-testsuite/tests';
const TIMEOUT_MS = 20_000;

/** Tests whose expectation conflicts with what a container needs, with the reason. */
const KNOWN: Record<string, string> = {
  'c/sock_shutdown-invalid_fd':
    'expects fd 3 to be closed when the spec has no root; a layerbox process always has the container root at fd 3 (ABI.md)',
  'rust/interesting_paths':
    'expects `..` past the directory fd to be refused; layerbox resolves it as openat(2) does, inside the container root (POSIX tools walk up with `..`)',
  'rust/symlink_create':
    'expects symlinks to absolute paths to be refused; containers need them (/bin/sh -> /bin/busybox) and they resolve inside the container root',
};

if (!existsSync(suite)) {
  console.error('='.repeat(78));
  console.error(`wasi-testsuite: SKIPPED: no suite at ${suite}`);
  console.error('Fetch it: git clone -b prod/testsuite-base https://github.com/WebAssembly/wasi-testsuite /tmp/wasi-testsuite');
  console.error('='.repeat(78));
  process.exit(0);
}

/** Copy a host directory into the container filesystem at `at` (as root, modes kept). */
function copyIn(fs: Vfs, host: string, at: string): void {
  for (const name of readdirSync(host).sort()) {
    if (name.endsWith('.cleanup')) continue;
    const src = join(host, name);
    const dst = `${at}/${name}`;
    const st = lstatSync(src);
    if (st.isSymbolicLink()) {
      fs.symlink(ROOT_CRED, readlinkSync(src), ROOT_INO, dst);
    } else if (st.isDirectory()) {
      fs.mkdir(ROOT_CRED, ROOT_INO, dst, st.mode & 0o7777);
      copyIn(fs, src, dst);
    } else if (st.isFile()) {
      const ino = fs.open(ROOT_CRED, ROOT_INO, dst, { write: true, create: true }, st.mode & 0o7777);
      fs.write(ino, 0, readFileSync(src));
      fs.close(ino);
    }
  }
}

function testDirs(root: string): string[] {
  const out: string[] = [];
  for (const lang of readdirSync(root).sort()) {
    const d = join(root, lang, 'testsuite', 'wasm32-wasip1');
    if (existsSync(d)) out.push(d);
  }
  return out;
}

async function main(): Promise<void> {
  const pool = await nodeWorkerPool({ warm: 2 });
  let passed = 0;
  const failures: Array<{ test: string; why: string }> = [];
  const skipped: Array<{ test: string; why: string }> = [];
  const known: Array<{ test: string; why: string }> = [];
  const started = performance.now();
  try {
    for (const dir of testDirs(suite)) {
      const group = basename(join(dir, '..', '..'));
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.wasm')).sort()) {
        const name = `${group}/${file.replace(/\.wasm$/, '')}`;
        if (filter && !name.includes(filter)) continue;
        const specPath = join(dir, file.replace(/\.wasm$/, '.json'));
        const spec: Spec = existsSync(specPath) ? JSON.parse(readFileSync(specPath, 'utf8')) : {};
        if (spec.operations) {
          skipped.push({ test: name, why: 'operation-based spec (sockets/http proposals)' });
          continue;
        }
        const fs = new Vfs(FsDomain.empty({ mode: 0o755, uid: 0, gid: 0, mtime: 0 }));
        if (spec.root) copyIn(fs, join(dir, spec.root), '');
        const rt = new ProcessRuntime({ fs, pool });
        const out = new CollectingWriter();
        const err = new CollectingWriter();
        let exit: ExitStatus;
        try {
          const p = await rt.spawnModule(new Uint8Array(readFileSync(join(dir, file))), {
            argv: [file, ...(spec.args ?? [])],
            env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
            stdout: out,
            stderr: err,
          });
          const timer = setTimeout(() => p.kill(SIGKILL), TIMEOUT_MS);
          exit = await p.wait();
          clearTimeout(timer);
        } catch (e) {
          failures.push({ test: name, why: `did not start: ${(e as Error).message}` });
          continue;
        }
        const problems: string[] = [];
        const want = spec.exit_code ?? 0;
        if (exit.status !== want) problems.push(`exit ${exit.status}${exit.message ? ` (${exit.message})` : ''}, want ${want}`);
        if (spec.stdout !== undefined && out.text() !== spec.stdout) problems.push(`stdout ${JSON.stringify(out.text())}, want ${JSON.stringify(spec.stdout)}`);
        if (spec.stderr !== undefined && err.text() !== spec.stderr) problems.push(`stderr ${JSON.stringify(err.text())}, want ${JSON.stringify(spec.stderr)}`);
        if (problems.length && KNOWN[name]) {
          known.push({ test: name, why: `${KNOWN[name]} (${problems.join('; ')})` });
        } else if (problems.length) {
          const tail = err.text().trim().split('\n').slice(-3).join(' | ');
          failures.push({ test: name, why: problems.join('; ') + (tail && !spec.stderr ? `; stderr: ${tail.slice(0, 300)}` : '') });
        } else {
          passed++;
          if (verbose) console.log(`ok   ${name}`);
        }
      }
    }
  } finally {
    pool.close();
  }
  for (const f of failures) console.log(`FAIL ${f.test}: ${f.why}`);
  for (const k of known) console.log(`known ${k.test}: ${k.why}`);
  for (const s of skipped) console.log(`skip ${s.test}: ${s.why}`);
  const total = passed + failures.length + known.length + skipped.length;
  console.log(
    `\nwasi-testsuite (${suite}): ${passed} passed, ${failures.length} failed, ` +
      `${known.length} known failures, ${skipped.length} skipped, of ${total}`,
  );
  console.log(JSON.stringify({
    bench: 'wasi-testsuite', passed, failed: failures.length, known: known.length, skipped: skipped.length,
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  }));
}

await main();
