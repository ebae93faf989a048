// The built-in images on Node: their recipes from wasm/images, their inputs from the
// userland module built into wasm/dist by `npm install`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageFile } from './package-files.ts';
import { FailedPreconditionError } from '../shared/errors.ts';
import type { Catalog } from '../shared/engine/catalog.ts';
import { sectionNames } from '../shared/process/wasm-binary.ts';
import { boxRecipe } from '../wasm/images/box.ts';

const USERLAND = join('wasm', 'dist', 'userland.wasm');

async function userlandPath(): Promise<string> {
  const found = packageFile(USERLAND);
  if (!found) throw new FailedPreconditionError(`the WebAssembly userland is not built (${USERLAND} is missing): run 'npm run build:wasm' in the layerbox folder`);
  return found;
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
