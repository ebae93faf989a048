import type { BuildContext } from '../../shared/build/context.ts';
import { MemoryContext } from '../../shared/build/context.ts';
import type { ByteStream } from '../../shared/host.ts';
import { readTar } from '../../shared/tar/reader.ts';
import { openMaybeGzip } from '../../shared/layer/decompress.ts';
import { DEFAULT_LIMITS } from '../../shared/engine/engine.ts';
import { collectBytes } from '../../shared/util/bytes.ts';

/** `build -`: a build context sent as a tar (optionally gzip) on standard input. */
export class TarContext {
  static async read(src: ByteStream): Promise<BuildContext> {
    const files: Record<string, { content?: Uint8Array; mode?: number; mtime?: number; symlink?: string; dir?: boolean }> = {};
    for await (const e of readTar(await openMaybeGzip(src, DEFAULT_LIMITS, 'build context'))) {
      if (e.path === '') continue;
      if (e.type === 'dir') files[e.path] = { dir: true, mode: e.mode, mtime: e.mtime };
      else if (e.type === 'symlink') files[e.path] = { symlink: e.linkname, mtime: e.mtime };
      else if (e.type === 'file') {
        files[e.path] = { content: await collectBytes(e.body()), mode: e.mode, mtime: e.mtime };
      }
    }
    return new MemoryContext(files);
  }
}

