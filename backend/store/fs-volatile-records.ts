import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../shared/errors.ts';
import type { VolatileRecords } from '../../shared/store/volatile-records.ts';
import type { StoreLayout } from './layout.ts';
import { isMissing, tempName } from './temp-file.ts';

const NAME = /^([a-z]+)\/([A-Za-z0-9_.:-]+)$/;

/**
 * Volatile records as files, `volatile/<namespace>/<key>`: each written under tmp/ and
 * renamed into place, so readers see whole records, with no fsync (see
 * volatile-records.ts). The calls are synchronous: a small file write and a rename take
 * microseconds, less than a trip through the thread pool.
 */
export class FsVolatileRecords implements VolatileRecords {
  constructor(private readonly layout: StoreLayout) {}

  private path(name: string): string {
    const m = NAME.exec(name);
    if (!m) throw new InvalidArgumentError(`invalid record name ${JSON.stringify(name)}`);
    return join(this.layout.volatileDir, m[1]!, m[2]!);
  }

  async get(name: string): Promise<Uint8Array | undefined> {
    // A name no record can have (`inspect repo/image` tries it as a container first) has none.
    if (!NAME.test(name)) return undefined;
    try {
      return readFileSync(this.path(name));
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  }

  async list(prefix: string): Promise<Array<[string, Uint8Array]>> {
    const slash = prefix.indexOf('/');
    const ns = slash < 0 ? prefix : prefix.slice(0, slash);
    const dir = join(this.layout.volatileDir, ns);
    let keys: string[];
    try {
      keys = readdirSync(dir);
    } catch (e) {
      if (isMissing(e)) return [];
      throw e;
    }
    const out: Array<[string, Uint8Array]> = [];
    for (const k of keys.sort()) {
      const name = `${ns}/${k}`;
      if (!name.startsWith(prefix)) continue;
      try {
        out.push([name, readFileSync(join(dir, k))]);
      } catch (e) {
        // Removed since the listing: not there.
        if (!isMissing(e)) throw e;
      }
    }
    return out;
  }

  async put(name: string, value: Uint8Array): Promise<void> {
    const path = this.path(name);
    const tmp = join(this.layout.tmpDir, tempName('rec'));
    writeFileSync(tmp, value);
    try {
      renameSync(tmp, path);
    } catch (e) {
      if (!isMissing(e)) throw e;
      mkdirSync(join(path, '..'), { recursive: true });
      renameSync(tmp, path);
    }
  }

  async delete(name: string): Promise<void> {
    try {
      unlinkSync(this.path(name));
    } catch (e) {
      if (!isMissing(e)) throw e;
    }
  }
}
