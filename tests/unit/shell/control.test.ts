/**
 * The shell on the engine's thread: it yields to the event loop while it runs, a
 * signal stops it with 128+sig (or runs its trap), and text can be fed line by line.
 */
import { describe, expect, it } from 'vitest';
import { bytesReader, CollectingWriter, memoryPipe } from '../../../shared/shell/pipe.ts';
import { createShell } from '../../../shared/shell/run.ts';
import { LineFeeder } from '../../../shared/shell/session.ts';
import { memoryHost, sh, startShell } from './memory-host.ts';

/** Resolves after the event loop has run a timer `n` times in a row. */
function timerTicks(n: number): Promise<void> {
  return new Promise((resolve) => {
    let left = n;
    const tick = (): void => {
      if (--left <= 0) resolve();
      else setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
  });
}

describe('shell control', () => {
  it('lets timers run during `while :; do :; done` and stops with 128+SIGTERM', async () => {
    const { proc, out } = startShell('echo started; while :; do :; done; echo never');
    // Timers only fire if the interpreter yields to the event loop.
    await timerTicks(5);
    proc.kill(15);
    expect(await proc.wait()).toBe(143);
    expect(proc.signal).toBe(15);
    expect(out.text()).toBe('started\n');
  });

  it('stops a loop of pure arithmetic and assignments with SIGINT', async () => {
    const { proc } = startShell('i=0; while true; do i=$((i+1)); x=$i; done');
    await timerTicks(3);
    proc.kill(2);
    expect(await proc.wait()).toBe(130);
  });

  it('runs a trap instead of stopping when the signal is trapped', async () => {
    const { proc, out } = startShell("trap 'echo caught; exit 7' TERM; while :; do :; done");
    await timerTicks(3);
    proc.kill(15);
    expect(await proc.wait()).toBe(7);
    expect(out.text()).toBe('caught\n');
  });

  it('ignores a signal trapped with an empty action', async () => {
    const stdin = memoryPipe(1024);
    const { proc, out } = startShell("trap '' TERM; echo ready; read go; i=0; while [ $i -lt 3000 ]; do i=$((i+1)); done; echo finished $i", { stdinReader: stdin.reader });
    while (!out.text().includes('ready')) await timerTicks(1);
    proc.kill(15);
    await stdin.writer.write(new TextEncoder().encode('go\n'));
    expect(await proc.wait()).toBe(0);
    expect(out.text()).toBe('ready\nfinished 3000\n');
  });

  it('stops a shell blocked reading a pipe that never delivers', async () => {
    const stdin = memoryPipe(1024);
    const { proc, out } = startShell('echo waiting; read line; echo never', { stdinReader: stdin.reader });
    await timerTicks(3);
    proc.kill(2);
    expect(await proc.wait()).toBe(130);
    expect(out.text()).toBe('waiting\n');
  });

  it('stops every stage of a pipeline and a command substitution', async () => {
    const { proc } = startShell('x=$(while :; do :; done | while :; do :; done)');
    await timerTicks(5);
    proc.kill(9);
    expect(await proc.wait()).toBe(137);
  });

  it('runs in sequential pipe mode with the same results', async () => {
    for (const pipeMode of ['concurrent', 'sequential'] as const) {
      const r = await sh('printf "b\\na\\n" | while read l; do echo "<$l>"; done | { read first; echo "$first"; }; echo $(echo x | { read y; echo $y$y; })', { pipeMode });
      expect(r).toEqual({ status: 0, stdout: '<b>\nxx\n', stderr: '' });
    }
  });

  it('ends an endless producer in sequential mode at the pipe limit', async () => {
    const r = await sh('while :; do echo yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy; done | { read a; echo "$a"; }', { pipeMode: 'sequential' });
    expect(r.stdout).toBe('y'.repeat(65) + '\n');
    expect(r.status).toBe(0);
  });

  it('keeps state between lines fed one at a time, waiting for open constructs', async () => {
    const out = new CollectingWriter();
    const shell = createShell(memoryHost(), { env: {}, cwd: '/', stdin: bytesReader(new Uint8Array()), stdout: out, stderr: out });
    const feeder = new LineFeeder(shell);
    await feeder.feed('x=1\n');
    await feeder.feed('f() { echo "x=$x arg=$1"; }\n');
    await feeder.feed('if true; then\n');
    expect(feeder.pending).toBe(true);
    expect(out.text()).toBe('');
    await feeder.feed('  f one\n');
    await feeder.feed('fi\n');
    expect(feeder.pending).toBe(false);
    await feeder.feed('while read l; do echo "[$l]"; done <<EOF\n');
    await feeder.feed('doc $x\n');
    expect(out.text()).toBe('x=1 arg=one\n');
    await feeder.feed('EOF\n');
    expect(out.text()).toBe('x=1 arg=one\n[doc 1]\n');
    expect(await feeder.feed('false\n')).toBe(1);
  });

  it('reports commands the host cannot find with status 127', async () => {
    const r = await sh('nosuch; echo $?');
    expect(r).toEqual({ status: 0, stdout: '127\n', stderr: 'sh: nosuch: not found\n' });
  });
});
