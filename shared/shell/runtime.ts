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

  /** Lets the event loop run now and then, so a busy loop cannot freeze the thread. */
  async tick(): Promise<void> {
    if ((++this.ticks & 63) !== 0) return;
    const now = Date.now();
    if (now - this.lastYield < 10) return;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    this.lastYield = Date.now();
  }
}
