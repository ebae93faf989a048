// Bundles the Node entry points into dist/ with esbuild. The CLI must start fast, so it
// runs bundled JavaScript (one file plus lazily loaded chunks per command), never
// TypeScript through a loader.
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';

const started = performance.now();
// Chunk names carry hashes: start clean so old chunks do not pile up.
rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { layerbox: 'backend/cli/layerbox.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
chmodSync('dist/layerbox.js', 0o755);
if (process.env.LAYERBOX_BUILD_VERBOSE) console.log(`built dist/ in ${Math.round(performance.now() - started)} ms`);
