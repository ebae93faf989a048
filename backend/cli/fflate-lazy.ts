// What the CLI bundle gets for `import ... from 'fflate'` (see backend/build.mjs). The
// Node host installs node:zlib for gzip, so the portable fflate streams of
// shared/host.ts are not used by the CLI; importing fflate itself would still build its
// Huffman tables and load worker_threads (to probe for workers) on every command's
// start. These stand-ins load the real module on first use.
import type * as Fflate from 'fflate';

let real: typeof Fflate | undefined;

function fflate(): typeof Fflate {
  // A require the bundler resolves: fflate's browser build, the same streams without the worker probe.
  return (real ??= require('fflate/browser') as typeof Fflate);
}

export const Gzip = function Gzip(...args: ConstructorParameters<typeof Fflate.Gzip>) {
  return new (fflate().Gzip)(...args);
} as unknown as typeof Fflate.Gzip;

export const Gunzip = function Gunzip(...args: ConstructorParameters<typeof Fflate.Gunzip>) {
  return new (fflate().Gunzip)(...args);
} as unknown as typeof Fflate.Gunzip;
