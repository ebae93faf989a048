// The built-in images on Node: their recipes from wasm/images, their inputs from the
// userland module built into wasm/dist by `npm install`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FailedPreconditionError } from '../shared/errors.ts';
import type { Catalog } from '../shared/engine/catalog.ts';
import { sectionNames } from '../shared/util/wasm-sections.ts';
import { boxRecipe } from '../wasm/images/box.ts';

const USERLAND = join('wasm', 'dist', 'userland.wasm');

/** The package folder: the nearest folder up from this module holding wasm/dist (source or bundle). */
async function userlandPath(): Promise<string> {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, USERLAND);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new FailedPreconditionError(`the WebAssembly userland is not built (${USERLAND} is missing): run 'npm run build:wasm' in the layerbox folder`);
}

export async function userlandModule(): Promise<Uint8Array> {
  // Read only when a store needs the image made (a new store, or box was removed).
  return new Uint8Array(readFileSync(await userlandPath()));
}

export const nodeCatalog: Catalog = {
  names: ['box:latest'],
  async recipe(name) {
    if (name !== 'box:latest') return undefined;
    const bytes = await userlandModule();
    return boxRecipe(bytes, sectionNames(bytes, 'layerbox.applets'));
  },
};
