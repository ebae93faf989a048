// Files of the layerbox package (the built userland, the CLI bundle), found from this
// module's place whether it runs from source (backend/) or bundled (dist/).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The path of `rel` in the nearest folder up from here that holds it, or undefined. */
export function packageFile(rel: string): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, rel);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}
