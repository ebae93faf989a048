import type { ByteStream } from '../host.ts';
import { readTar } from '../tar/reader.ts';

/**
 * The files of an image archive or layout folder, in any order. A tar archive and a
 * folder on disk (read by the Node adapter) both present themselves this way, so the
 * loader does not care which it reads.
 */
export interface ArchiveFile {
  /** Relative path inside the archive, `/`-separated, no leading `./`. */
  path: string;
  size: number;
  /** The content; read at most once, before asking for the next file. */
  body(): ByteStream;
}

/** The regular files of a tar stream (directories and links are skipped). */
export async function* filesOfTar(src: ByteStream): AsyncIterable<ArchiveFile> {
  for await (const e of readTar(src)) {
    if (e.type !== 'file') continue;
    yield { path: e.path, size: e.size, body: () => e.body() };
  }
}
