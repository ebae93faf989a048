#!/usr/bin/env node
// Builds the userland (src/**/*.c) into wasm/dist/userland.wasm with @yowasp/clang.
// The output depends only on the sources, the flags and the compiler version, so a
// stamp file holding their hash lets a rebuild be skipped. Usage: node build.mjs [--force]
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const srcDir = join(here, 'src');
const outDir = join(here, '..', 'dist');
const output = join(outDir, 'userland.wasm');
const stampFile = `${output}.stamp`;

const flags = [
  '--target=wasm32-wasip1',
  '-Oz',
  '-flto',
  '-g0',
  '-s',
  '-std=c11',
  '-D_GNU_SOURCE',
  '-Isrc',
  '-Wall',
  '-Wextra',
  '-Wno-unused-parameter',
  '-Wl,--gc-sections',
  '-Wl,-z,stack-size=1048576',
];

/** Source files as sorted paths relative to src/, with '/' separators. */
function sources(dir = srcDir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(full));
    else if (/\.[ch]$/.test(entry.name)) out.push(relative(srcDir, full).split(sep).join('/'));
  }
  return out;
}

/** The @yowasp/clang version (its package.json is not exported, so find it by path). */
function compilerVersion() {
  let dir = dirname(createRequire(import.meta.url).resolve('@yowasp/clang'));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
}

/** The stamp of the current sources: clang version, flags, and every file's path and bytes. */
function currentStamp(files) {
  const hash = createHash('sha256');
  hash.update(`clang ${compilerVersion()}\0${flags.join(' ')}\0`);
  for (const file of files) {
    const text = readFileSync(join(srcDir, file));
    hash.update(`${file}\0${text.length}\0`);
    hash.update(text);
  }
  return hash.digest('hex');
}

function upToDate(stamp) {
  return existsSync(output) && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === stamp;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One build at a time across processes (test workers may ask together): the others
 * wait for the lock to go and then find the output up to date. A lock older than
 * ten minutes is left over from a killed build and is taken over.
 */
async function withLock(stamp, work) {
  const lock = `${output}.lock`;
  mkdirSync(outDir, { recursive: true });
  for (;;) {
    try {
      writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let age = 0;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        continue;
      }
      if (age > 600_000) {
        rmSync(lock, { force: true });
        continue;
      }
      await sleep(250);
      if (upToDate(stamp)) return false;
    }
  }
  try {
    if (upToDate(stamp)) return false;
    await work();
    return true;
  } finally {
    rmSync(lock, { force: true });
  }
}

export async function build({ force = false } = {}) {
  const started = Date.now();
  const files = sources();
  const stamp = currentStamp(files);
  if (!force && upToDate(stamp)) {
    console.log(`userland: ${relative(process.cwd(), output)} is up to date (${Date.now() - started} ms)`);
    return output;
  }
  const built = await withLock(force ? '' : stamp, () => compile(files, stamp));
  if (built) {
    const kib = (statSync(output).size / 1024).toFixed(1);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`userland: built ${relative(process.cwd(), output)} (${kib} KiB) in ${seconds} s`);
  } else {
    console.log(`userland: ${relative(process.cwd(), output)} was built by another process (${Date.now() - started} ms)`);
  }
  return output;
}

async function compile(files, stamp) {
  const tree = {};
  for (const file of files) {
    let node = tree;
    const parts = file.split('/');
    for (const part of parts.slice(0, -1)) node = node[part] ??= {};
    node[parts.at(-1)] = readFileSync(join(srcDir, file));
  }
  const { runClang, runLLVM } = await import('@yowasp/clang');
  // Load the toolchain first, quietly (runClang's own first step would log progress).
  await runLLVM(null, {}, { fetchProgress: () => {} });
  const cfiles = files.filter((f) => f.endsWith('.c')).map((f) => `src/${f}`);
  const diagnostics = (bytes) => bytes && process.stderr.write(bytes);
  let result;
  try {
    result = await runClang(['clang', ...flags, ...cfiles, '-o', 'userland.wasm'], { src: tree }, {
      stdout: diagnostics,
      stderr: diagnostics,
    });
  } catch (e) {
    throw new Error(`userland: clang failed (exit ${e?.code ?? '?'}); see the diagnostics above`);
  }
  const wasm = result['userland.wasm'];
  if (!(wasm instanceof Uint8Array)) throw new Error('userland: clang produced no userland.wasm');
  // Replace atomically, and write the stamp only once the output is in place.
  const tmp = `${output}.${process.pid}.tmp`;
  writeFileSync(tmp, wasm);
  renameSync(tmp, output);
  writeFileSync(stampFile, `${stamp}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await build({ force: process.argv.includes('--force') });
}
