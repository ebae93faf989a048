import { ByteFs } from './bytefs.ts';
import type { ShellHost } from './host.ts';

/** State shared by a shell and all its subshells. */
export class Runtime {
  readonly fs: ByteFs;
  private ticks = 0;
  private lastYield = Date.now();
  private nextPid: number;

  constructor(
    readonly host: ShellHost,
    pid: number,
  ) {
    this.fs = new ByteFs(host.fs);
    this.nextPid = pid + 1;
  }

  allocatePid(): number {
    return this.host.allocatePid ? this.host.allocatePid() : this.nextPid++;
  }

  /**
   * Lets the event loop run now and then (every ~20 ms of busy work), so a busy loop
   * cannot freeze the thread; returns null when no yield is due, to spare an await.
   */
  tick(): Promise<void> | null {
    if ((++this.ticks & 63) !== 0) return null;
    const now = Date.now();
    if (now - this.lastYield < 20) return null;
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        this.lastYield = Date.now();
        resolve();
      }, 0),
    );
  }
}
