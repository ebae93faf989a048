/**
 * Runs a script under busybox's `sh` (the oracle) and under layerbox's shell with the
 * Node host, each in an identical fresh directory, capturing stdout, stderr and the
 * exit status. Both see the same PATH: a directory of busybox applet links.
 */
import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { runShell } from '../../../shared/shell/run.ts';
import { BUSYBOX, FdStream, NodeHost } from './node-host.ts';

export interface RunResult {
  stdout: string;
  stderr: string;
  status: number;
}

const TIMEOUT_MS = 20_000;

export class Oracle {
  readonly bin: string;
  private readonly run: string;

  constructor(readonly base: string) {
    this.bin = join(base, 'bin');
    this.run = join(base, 'run');
    fs.mkdirSync(this.bin, { recursive: true });
    const applets = execFileSync(BUSYBOX, ['--list']).toString().split('\n').filter(Boolean);
    for (const a of applets) fs.symlinkSync(BUSYBOX, join(this.bin, a));
  }

  private env(): Record<string, string> {
    return { PATH: this.bin, HOME: join(this.run, 'home') };
  }

  /** A fresh run directory: the script as ../t.sh, an empty working directory w/. */
  private prepare(script: string): { cwd: string; out: string; err: string } {
    fs.rmSync(this.run, { recursive: true, force: true });
    fs.mkdirSync(join(this.run, 'w'), { recursive: true });
    fs.mkdirSync(join(this.run, 'home'));
    fs.writeFileSync(join(this.run, 't.sh'), script);
    return { cwd: join(this.run, 'w'), out: join(this.run, 'out'), err: join(this.run, 'err') };
  }

  private collect(out: string, err: string, status: number): RunResult {
    return { stdout: fs.readFileSync(out, 'latin1'), stderr: fs.readFileSync(err, 'latin1'), status };
  }

  async busybox(script: string, stdin: string | null): Promise<RunResult> {
    const { cwd, out, err } = this.prepare(script);
    const fds = [fs.openSync(stdin ?? '/dev/null', 'r'), fs.openSync(out, 'w'), fs.openSync(err, 'w')];
    const child = spawn(BUSYBOX, ['sh', '../t.sh'], { cwd, env: this.env(), stdio: fds, detached: true });
    const status = await new Promise<number>((resolve) => {
      const timer = setTimeout(() => killTree(child.pid), TIMEOUT_MS);
      child.on('exit', (code, sig) => {
        clearTimeout(timer);
        resolve(sig ? 128 + os.constants.signals[sig] : (code ?? 0));
      });
    });
    // Background jobs the script left behind die with their group.
    killTree(child.pid);
    for (const fd of fds) fs.closeSync(fd);
    return this.collect(out, err, status);
  }

  async layerbox(script: string, stdin: string | null, pipeMode: 'concurrent' | 'sequential'): Promise<RunResult> {
    const { cwd, out, err } = this.prepare(script);
    const host = new NodeHost({ pipeMode, scratchDir: join(this.base, 'scratch') });
    const streams = [new FdStream(fs.openSync(stdin ?? '/dev/null', 'r')), new FdStream(fs.openSync(out, 'w')), new FdStream(fs.openSync(err, 'w'))];
    const p = runShell(host, ['sh', '../t.sh'], { env: this.env(), cwd, stdin: streams[0]!, stdout: streams[1]!, stderr: streams[2]!, pid: host.allocatePid() });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const status = await Promise.race([
      p.wait(),
      new Promise<number>((resolve) => {
        timer = setTimeout(() => {
          p.kill(9);
          resolve(137);
        }, TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    host.dispose();
    for (const s of streams) await s.close();
    return this.collect(out, err, status);
  }

  dispose(): void {
    fs.rmSync(this.base, { recursive: true, force: true });
  }
}

function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is gone
  }
}

