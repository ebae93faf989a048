// Container logs as Docker's json-file driver writes them: one JSON object per line,
// `{"log":"…","stream":"stdout","time":"…"}`, in <store>/containers/<id>/<id>-json.log.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogEntry, LogStore } from '../../shared/runtime/log.ts';

export class FileLogStore implements LogStore {
  /** Open log files, one per container this process writes for (a chunk is one write). */
  private readonly fds = new Map<string, number>();

  constructor(private readonly dir: string) {}

  private file(id: string): string {
    if (!/^[0-9a-f]{64}$/.test(id)) throw new Error(`bad container id ${id}`);
    return join(this.dir, id, `${id}-json.log`);
  }

  append(id: string, entry: LogEntry): void {
    let fd = this.fds.get(id);
    if (fd === undefined) {
      mkdirSync(join(this.dir, id), { recursive: true });
      fd = openSync(this.file(id), 'a');
      this.fds.set(id, fd);
    }
    writeSync(fd, JSON.stringify({ log: Buffer.from(entry.data).toString('utf8'), stream: entry.stream, time: entry.time }) + '\n');
  }

  /** Every line is with the kernel already (one write each); this releases the file. */
  async flush(id: string): Promise<void> {
    const fd = this.fds.get(id);
    if (fd === undefined) return;
    this.fds.delete(id);
    closeSync(fd);
  }

  async *read(id: string): AsyncIterable<LogEntry> {
    let text: string;
    try {
      text = await readFile(this.file(id), 'utf8');
    } catch {
      return;
    }
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const o = JSON.parse(line) as { log: string; stream: 'stdout' | 'stderr'; time: string };
        yield { stream: o.stream, time: o.time, data: Buffer.from(o.log, 'utf8') };
      } catch {
        // A line cut by a crash mid-write: skip it.
      }
    }
  }

  async remove(id: string): Promise<void> {
    await this.flush(id);
    // The monitor of a container being removed may still write its last output, which
    // makes the folder anew under rm (ENOTEMPTY): rm tries again a few times.
    await rm(join(this.dir, id), { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
  }
}
