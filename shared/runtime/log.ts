/**
 * A container's output as `docker logs` shows it: every chunk a process wrote to
 * stdout or stderr, with the time it arrived. Kept apart from the content-addressed
 * store (logs grow and are not part of any image); each host keeps them its own way —
 * Docker's json-file lines in a folder on Node, IndexedDB in a browser.
 */
export interface LogEntry {
  stream: 'stdout' | 'stderr';
  /** RFC 3339 with nanoseconds, as Docker writes it. */
  time: string;
  data: Uint8Array;
}

export interface LogStore {
  /** Append output; hosts may buffer, but `flush` makes everything so far readable. */
  append(id: string, entry: LogEntry): void;
  flush(id: string): Promise<void>;
  /** Everything logged so far, oldest first. */
  read(id: string): AsyncIterable<LogEntry>;
  remove(id: string): Promise<void>;
}

/** Logs kept in memory (tests, a browser page without persistence). */
export class MemoryLogStore implements LogStore {
  private readonly logs = new Map<string, LogEntry[]>();
  append(id: string, entry: LogEntry): void {
    const list = this.logs.get(id) ?? [];
    list.push(entry);
    this.logs.set(id, list);
  }
  async flush(): Promise<void> {}
  async *read(id: string): AsyncIterable<LogEntry> {
    yield* this.logs.get(id) ?? [];
  }
  async remove(id: string): Promise<void> {
    this.logs.delete(id);
  }
}

export interface LogView {
  /** Only the last N lines (Docker counts lines, not chunks). */
  tail?: number;
  timestamps?: boolean;
}

/**
 * Entries cut into lines for display: `--tail` keeps the last N lines across streams,
 * `-t` puts each line's time in front. A final line without a newline is kept as is.
 */
export function logLines(entries: readonly LogEntry[], view: LogView = {}): Array<{ stream: LogEntry['stream']; text: string }> {
  const dec = new TextDecoder();
  const lines: Array<{ stream: LogEntry['stream']; text: string }> = [];
  for (const e of entries) {
    const text = dec.decode(e.data);
    const parts = text.split(/(?<=\n)/);
    for (const p of parts) if (p) lines.push({ stream: e.stream, text: view.timestamps ? `${e.time} ${p}` : p });
  }
  return view.tail !== undefined && view.tail >= 0 ? lines.slice(Math.max(0, lines.length - view.tail)) : lines;
}

/** Docker's log timestamp: RFC 3339 with nine fractional digits. */
export function logTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}
