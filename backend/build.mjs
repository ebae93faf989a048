// Bundles the Node entry points into dist/ with esbuild. The CLI must start fast, so it
// runs bundled JavaScript, never TypeScript through a loader:
//
//   dist/cli.js       the whole CLI, one minified CommonJS file. Code that a command
//                     does not need (a dynamic import() in the source) is still only
//                     initialised on first use.
//   dist/layerbox.js  the executable: runs cli.js through V8's code cache
//                     (backend/cli/launcher.ts), keyed by cli.js's content hash.
//
// CommonJS rather than ES modules because Node 20 can cache compiled code only for
// scripts it compiles through node:vm, and because a `require` of a builtin loads only
// that module, where an `import` of one also runs every lazy getter of its namespace
// (node:fs pulls in streams and readline, node:crypto all of WebCrypto).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const started = performance.now();
rmSync('dist', { recursive: true, force: true });

/** `fflate` resolves to lazy stand-ins in the CLI (see backend/cli/fflate-lazy.ts). */
const lazyFflate = {
  name: 'lazy-fflate',
  setup(b) {
    const shim = fileURLToPath(new URL('./cli/fflate-lazy.ts', import.meta.url));
    b.onResolve({ filter: /^fflate$/ }, () => ({ path: shim }));
  },
};

await build({
  entryPoints: { cli: 'backend/cli/layerbox.ts' },
  outdir: 'dist',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  // Error classes name themselves after their constructor (shared/errors.ts).
  keepNames: true,
  // The launcher reads the bundle as latin1, which is right only for ASCII.
  charset: 'ascii',
  sourcemap: 'linked',
  // import() of a builtin becomes a require: a script compiled through node:vm has no
  // module loader to import with, and a require skips the namespace getters.
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: 'var __importMetaUrl=require("node:url").pathToFileURL(__filename).href;' },
  plugins: [lazyFflate],
  logLevel: 'warning',
});

const bundle = readFileSync('dist/cli.js');
const hash = createHash('sha256').update(bundle).digest('hex').slice(0, 16);
await build({
  entryPoints: { layerbox: 'backend/cli/launcher.ts' },
  outdir: 'dist',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  define: { BUNDLE_HASH: JSON.stringify(hash) },
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
// The worker a container's WASI process runs in (worker_threads), loaded by path.
await build({
  entryPoints: { 'process-worker': 'backend/process/worker-entry.ts' },
  outdir: 'dist',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  keepNames: true,
  logLevel: 'warning',
});
// The package is "type": "module"; these files are CommonJS.
writeFileSync('dist/package.json', '{ "type": "commonjs" }\n');
chmodSync('dist/layerbox.js', 0o755);
if (process.env.LAYERBOX_BUILD_VERBOSE) console.log(`built dist/ in ${Math.round(performance.now() - started)} ms (cli.js ${bundle.length} bytes, ${hash})`);
