import type { CliIO, CommandContext } from '../cli/command.ts';
import type { FlagValues } from '../cli/args.ts';
import type { Engine } from '../engine/engine.ts';
import type { BuildContext } from '../build/context.ts';
import type { ArchiveFile } from '../oci/archive-source.ts';
import type { TarWriteEntry } from '../tar/entry.ts';
import type { ByteStream } from '../host.ts';
import type { ContainerControl } from '../runtime/control.ts';

/**
 * What the layerbox commands need from the place they run: the engine over the chosen
 * store, and the files of the user's machine (a real disk in Node, the page's own
 * files in a browser terminal).
 */
export interface HostFiles {
  /** A build context: a folder, or `-` for a tar on standard input. */
  buildContext(path: string): Promise<BuildContext>;
  isDirectory(path: string): Promise<boolean>;
  exists(path: string): Promise<boolean>;
  readFile(path: string): Promise<Uint8Array>;
  read(path: string): ByteStream;
  /** Write a file whole or not at all (temporary file, then rename). */
  write(path: string, data: ByteStream): Promise<number>;
  /** The files of an image layout folder. */
  layoutFiles(dir: string): AsyncIterable<ArchiveFile>;
  /** Host path → tar entries (for `cp` into a container); the top entry is named `name`. */
  entries(path: string, name: string): AsyncIterable<TarWriteEntry>;
  /** Write tar entries below a host folder (for `cp` out of a container). */
  extract(dir: string, entries: AsyncIterable<TarWriteEntry>): Promise<void>;
  /** The user's working directory, for messages and relative paths. */
  cwd(): string;
}

export interface LayerboxIO extends CliIO {
  /** The engine over the store `--root` (or LAYERBOX_ROOT) names; opened on first use. */
  engine(globals: FlagValues): Promise<Engine>;
  files: HostFiles;
  stdin(): ByteStream;
  stdinIsTTY: boolean;
  /** Where the store lives, for `info`. */
  storeLocation(globals: FlagValues): string;
  /** Extra `system check` work the host can do (verify every blob's bytes). */
  checkBlobs?(globals: FlagValues): Promise<string[]>;
  /**
   * Settles when the one who gave the command is gone (interrupted, or disconnected from
   * an engine service that runs it): following commands (logs -f, attach) stop then,
   * and builds, loads, imports, saves and exports stop and keep nothing.
   */
  cancelled?: Promise<void>;
  /** Running containers; absent where this host cannot run programs. */
  containers?(globals: FlagValues): Promise<ContainerControl>;
}

export type Ctx = CommandContext<LayerboxIO>;

export function out(ctx: Ctx, text: string): void {
  ctx.io.stdout(text.endsWith('\n') || text === '' ? text : text + '\n');
}

export function err(ctx: Ctx, text: string): void {
  ctx.io.stderr(text.endsWith('\n') ? text : text + '\n');
}
