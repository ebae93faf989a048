/** The host file system seen through byte-string paths (see bytes.ts). */
import { fromHost, toHost } from './bytes.ts';
import type { FileStat, OpenFile, OpenMode, ShellFs } from './host.ts';

export class ByteFs implements ShellFs {
  constructor(private readonly fs: ShellFs) {}
  stat(path: string): Promise<FileStat | null> {
    return this.fs.stat(toHost(path));
  }
  lstat(path: string): Promise<FileStat | null> {
    return this.fs.lstat(toHost(path));
  }
  async readdir(path: string): Promise<string[]> {
    return (await this.fs.readdir(toHost(path))).map(fromHost);
  }
  open(path: string, mode: OpenMode, options?: { exclusive?: boolean; perm?: number }): Promise<OpenFile> {
    return this.fs.open(toHost(path), mode, options);
  }
  access(path: string, mode: number): Promise<boolean> {
    return this.fs.access(toHost(path), mode);
  }
  async realpath(path: string): Promise<string> {
    return fromHost(await this.fs.realpath(toHost(path)));
  }
}
