/**
 * What runs inside a process worker (a Web Worker or a worker_thread; the adapter gives
 * it a `WorkerEndpoint`). It waits for jobs, instantiates the posted compiled module with
 * the WASI host over the channel, runs `_start` and reports how the process ended. One
 * worker runs one process at a time and is reused afterwards; a killed process's worker
 * is terminated by the engine instead.
 */
import { FileFd } from '../wasi/file-fd.ts';
import { WasiHost, WasiSignal, WASIProcExit } from '../wasi/wasi-host.ts';
import type { ExitMessage, RunJob, WorkerEndpoint } from './protocol.ts';
import { remoteSystem } from './remote-system.ts';
import { SabClient } from './sab-channel.ts';
import { ModuleSlots } from './module-slots.ts';
import { SpareInstance } from './spare-instance.ts';
import { WA, type WasmModule } from './wasm-api.ts';

export function workerMain(ep: WorkerEndpoint): void {
  const modules = new ModuleSlots<WasmModule>();
  let spare: SpareInstance | undefined;
  ep.onMessage((msg) => {
    if (msg.t !== 'run') return;
    const job = msg.job;
    modules.touch(job.moduleKey, job.module);
    const module = modules.get(job.moduleKey);
    if (!module) {
      ep.post({ t: 'exit', status: 126, message: `worker lost module ${job.moduleKey}`, positions: [null, null, null] });
      return;
    }
    const ready = spare?.key === job.moduleKey ? spare : undefined;
    spare = undefined;
    ep.post(runJob(ep, job, module, ready));
    // The next process most likely runs the same program: make its instance while idle.
    setTimeout(() => {
      if (!spare) spare = SpareInstance.make(job.moduleKey, module);
    }, 0);
  });
}

/** Linux signals a wasm trap stands for. */
function trapSignal(message: string): number {
  if (/out of bounds|null function|signature mismatch|call stack/i.test(message)) return 11; // SIGSEGV
  if (/divide by zero|integer overflow|remainder by zero|invalid conversion/i.test(message)) return 8; // SIGFPE
  return 6; // SIGABRT: `unreachable` is how wasi-libc's abort() ends.
}

function runJob(ep: WorkerEndpoint, job: RunJob, module: WasmModule, spare?: SpareInstance): ExitMessage {
  let host: WasiHost | null = null;
  const memoryBytes = (): number => {
    try {
      return host?.memory.buffer.byteLength ?? 0;
    } catch {
      return 0;
    }
  };
  const client = new SabClient(job.sab, (m) => ep.post(m), memoryBytes);
  const sys = remoteSystem(client, { pid: job.pid, ppid: job.ppid }, client.capacity - 64);
  const positions = (): Array<number | null> =>
    [0, 1, 2].map((n) => {
      const f = host?.fd(n);
      return f instanceof FileFd ? f.position : null;
    });
  const end = (r: Omit<ExitMessage, 't' | 'positions'>): ExitMessage => ({ t: 'exit', ...r, positions: positions() });
  try {
    host = new WasiHost({
      args: job.argv, env: job.env, sys, cred: job.cred, umask: job.umask, stdio: job.stdio,
      ...(job.terminal ? { terminal: job.terminal } : {}),
    });
    const instance = spare ? spare.bind(host.imports()) : new WA.Instance(module, host.imports());
    const code = host.start(instance as never);
    return end({ status: code & 0xff });
  } catch (e) {
    if (e instanceof WASIProcExit) return end({ status: e.code & 0xff });
    if (e instanceof WasiSignal) return end({ status: 128 + e.signal, signal: e.signal });
    const message = e instanceof Error ? e.message : String(e);
    const trap = e instanceof WA.RuntimeError || e instanceof RangeError;
    if (trap || e instanceof WA.LinkError) {
      const mem = memoryBytes();
      // A trap with the memory at least half-way to its limit: an allocation failed there.
      if (job.memoryLimit !== null && (mem >= job.memoryLimit / 2 || /memory/i.test(message) && e instanceof RangeError)) {
        return end({ status: 137, signal: 9, oom: true, message: `out of memory (limit ${job.memoryLimit} bytes): ${message}` });
      }
      if (e instanceof WA.LinkError) return end({ status: 126, message: `cannot link: ${message}` });
      const sig = trapSignal(message);
      return end({ status: 128 + sig, signal: sig, message: `wasm trap: ${message}` });
    }
    return end({ status: 128 + 6, signal: 6, message: `host error: ${message}` });
  }
}

