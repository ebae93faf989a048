// Runs store-process.ts in a child Node process and follows its stdout line by line.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./store-process.ts', import.meta.url));
const PROJECT = fileURLToPath(new URL('../../../', import.meta.url));

export class StoreProcess {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private stderr = '';
  private waiters: Array<{ test: (l: string) => boolean; resolve: (l: string) => void }> = [];

  /** `user`: run as this uid and gid (the test runs as root). */
  constructor(mode: string, root: string, arg?: string, user?: number) {
    this.child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, mode, root, ...(arg ? [arg] : [])], {
      cwd: PROJECT,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(user !== undefined ? { uid: user, gid: user } : {}),
    });
    let buf = '';
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        this.lines.push(line);
        this.waiters = this.waiters.filter((w) => (w.test(line) ? (w.resolve(line), false) : true));
      }
    });
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.child.on('close', (code, signal) => resolve({ code, signal })));
  }

  /** The first line (already seen or still to come) that matches; rejects if the process exits first. */
  line(match: string | RegExp): Promise<string> {
    const test = (l: string) => (typeof match === 'string' ? l === match : match.test(l));
    const seen = this.lines.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      this.waiters.push({ test, resolve });
      void this.exited.then(({ code, signal }) =>
        reject(new Error(`store process exited (${code ?? signal}) before printing ${match}\n${this.stderr}`)),
      );
    });
  }

  send(line: string): void {
    this.child.stdin!.write(line + '\n');
  }

  async kill9(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Wait for a normal exit and fail with its stderr otherwise. */
  async done(): Promise<void> {
    const { code, signal } = await this.exited;
    if (code !== 0) throw new Error(`store process failed (${code ?? signal}):\n${this.stderr}`);
  }
}
