/**
 * /proc for a container (ABI.md): one directory per process with `cmdline`, `comm`,
 * `environ`, `status`, `stat`, `cwd` and `exe`, `/proc/self` pointing at the caller, and
 * the system files tools read (`uptime`, `meminfo`, `mounts`, `loadavg`, `stat`,
 * `version`, `sys/kernel/{hostname,ostype,osrelease}`). Contents follow Linux's formats
 * (proc(5)) so ps and friends parse them; everything is generated when read.
 */
import type { Cred } from '../vfs/fs-api.ts';
import type { SyntheticNode, SyntheticProvider } from '../vfs/synthetic.ts';
import { cpuTime, type ProcessInfo, type ProcessTable } from './process-table.ts';

export const OS_RELEASE = '6.1.0-layerbox';
const CLK_TCK = 100;
const PAGE = 4096;

export interface ProcOptions {
  table: ProcessTable;
  hostname: () => string;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Memory of the container (its `-m` limit, else what the host reports), bytes. */
  memTotal: () => number;
  /** /proc/mounts text; a plain overlay root with /proc when absent. */
  mounts?: () => string;
}

const enc = new TextEncoder();

const SYSTEM_FILES = ['uptime', 'meminfo', 'mounts', 'loadavg', 'stat', 'version', 'cpuinfo', 'filesystems'];
const PID_FILES = ['cmdline', 'comm', 'environ', 'status', 'stat', 'statm'];
const PID_LINKS = ['cwd', 'exe'];

const STATE_NAME: Record<string, string> = { R: 'R (running)', S: 'S (sleeping)', T: 'T (stopped)', Z: 'Z (zombie)' };

function comm(p: ProcessInfo): string {
  const a0 = p.argv[0] ?? '';
  return (a0.split('/').filter(Boolean).pop() ?? a0).slice(0, 15);
}

export class ProcFs implements SyntheticProvider {
  constructor(private readonly o: ProcOptions) {}

  private proc(seg: string | undefined): ProcessInfo | undefined {
    if (!seg || !/^[1-9]\d*$/.test(seg)) return undefined;
    return this.o.table.get(Number(seg));
  }

  node(path: string, caller: Cred): SyntheticNode | undefined {
    const parts = path === '' ? [] : path.split('/');
    if (parts.length === 0) return { type: 'dir', mode: 0o555 };
    const [a, b, c, ...more] = parts;
    if (parts.length === 1) {
      if (a === 'self') return caller.pid !== undefined && this.o.table.get(caller.pid) ? { type: 'symlink', mode: 0o777, target: String(caller.pid) } : undefined;
      if (a === 'sys') return { type: 'dir', mode: 0o555 };
      if (SYSTEM_FILES.includes(a!)) return { type: 'file', mode: 0o444 };
      const p = this.proc(a);
      return p ? { type: 'dir', mode: 0o555, uid: p.cred.uid, gid: p.cred.gid } : undefined;
    }
    if (a === 'sys') {
      if (parts.length === 2) return b === 'kernel' ? { type: 'dir', mode: 0o555 } : undefined;
      if (parts.length === 3 && b === 'kernel' && ['hostname', 'ostype', 'osrelease'].includes(c!)) {
        return { type: 'file', mode: c === 'hostname' ? 0o644 : 0o444 };
      }
      return undefined;
    }
    const p = this.proc(a);
    if (!p || parts.length !== 2 || more.length) return undefined;
    const owner = { uid: p.cred.uid, gid: p.cred.gid };
    if (b === 'environ') return { type: 'file', mode: 0o400, ...owner };
    if (PID_FILES.includes(b!)) return { type: 'file', mode: 0o444, ...owner };
    if (b === 'cwd') return { type: 'symlink', mode: 0o777, ...owner, target: p.cwd };
    if (b === 'exe') return { type: 'symlink', mode: 0o777, ...owner, target: p.exe };
    return undefined;
  }

  list(path: string, caller: Cred): string[] {
    if (path === '') {
      const pids = this.o.table.list().map((p) => String(p.pid));
      return [...pids, ...(caller.pid !== undefined && this.o.table.get(caller.pid) ? ['self'] : []), 'sys', ...SYSTEM_FILES];
    }
    if (path === 'sys') return ['kernel'];
    if (path === 'sys/kernel') return ['hostname', 'osrelease', 'ostype'];
    if (this.proc(path)) return [...PID_FILES, ...PID_LINKS];
    return [];
  }

  read(path: string, _caller: Cred): Uint8Array {
    return enc.encode(this.text(path));
  }

  private uptime(): number {
    return Math.max(0, (this.o.now() - this.o.table.bootTime) / 1000);
  }

  private text(path: string): string {
    switch (path) {
      case 'uptime': {
        const up = this.uptime();
        return `${up.toFixed(2)} ${up.toFixed(2)}\n`;
      }
      case 'meminfo': {
        const total = Math.floor(this.o.memTotal() / 1024);
        const used = Math.floor(this.o.table.list().reduce((n, p) => n + p.memoryBytes, 0) / 1024);
        const free = Math.max(0, total - used);
        const row = (k: string, v: number): string => `${(k + ':').padEnd(16)}${String(v).padStart(8)} kB\n`;
        return row('MemTotal', total) + row('MemFree', free) + row('MemAvailable', free) + row('Buffers', 0) +
          row('Cached', 0) + row('SwapCached', 0) + row('Active', used) + row('Inactive', 0) +
          row('SwapTotal', 0) + row('SwapFree', 0) + row('Shmem', 0);
      }
      case 'mounts':
        return this.o.mounts?.() ??
          'overlay / overlay rw,relatime 0 0\nproc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n';
      case 'loadavg': {
        const procs = this.o.table.list();
        const running = procs.filter((p) => p.state === 'R').length;
        const last = procs.length ? procs[procs.length - 1]!.pid : 0;
        return `0.00 0.00 0.00 ${running}/${procs.length} ${last}\n`;
      }
      case 'stat': {
        const ticks = Math.round(this.uptime() * CLK_TCK);
        return `cpu  ${ticks} 0 0 0 0 0 0 0 0 0\ncpu0 ${ticks} 0 0 0 0 0 0 0 0 0\n` +
          `btime ${Math.floor(this.o.table.bootTime / 1000)}\nprocesses ${this.o.table.count}\n` +
          `procs_running ${this.o.table.list().filter((p) => p.state === 'R').length}\nprocs_blocked 0\n`;
      }
      case 'version':
        return `Linux version ${OS_RELEASE} (layerbox) #1 SMP PREEMPT_DYNAMIC\n`;
      case 'cpuinfo':
        return 'processor\t: 0\nvendor_id\t: layerbox\nmodel name\t: WebAssembly\n\n';
      case 'filesystems':
        return 'nodev\tproc\nnodev\ttmpfs\nnodev\toverlay\n';
      case 'sys/kernel/hostname':
        return this.o.hostname() + '\n';
      case 'sys/kernel/ostype':
        return 'Linux\n';
      case 'sys/kernel/osrelease':
        return OS_RELEASE + '\n';
    }
    const [a, b] = path.split('/');
    const p = this.proc(a);
    if (!p) return '';
    switch (b) {
      case 'cmdline':
        return p.argv.map((s) => s + '\0').join('');
      case 'environ':
        return p.env.map((s) => s + '\0').join('');
      case 'comm':
        return comm(p) + '\n';
      case 'status':
        return this.status(p);
      case 'stat':
        return this.stat(p);
      case 'statm': {
        const pages = Math.ceil(p.memoryBytes / PAGE);
        return `${pages} ${pages} 0 0 0 ${pages} 0\n`;
      }
    }
    return '';
  }

  private status(p: ProcessInfo): string {
    const kb = Math.ceil(p.memoryBytes / 1024);
    const ids = (n: number): string => `${n}\t${n}\t${n}\t${n}`;
    return [
      `Name:\t${comm(p)}`,
      `Umask:\t${p.umask.toString(8).padStart(4, '0')}`,
      `State:\t${STATE_NAME[p.state] ?? p.state}`,
      `Tgid:\t${p.pid}`,
      'Ngid:\t0',
      `Pid:\t${p.pid}`,
      `PPid:\t${p.ppid}`,
      'TracerPid:\t0',
      `Uid:\t${ids(p.cred.uid)}`,
      `Gid:\t${ids(p.cred.gid)}`,
      'FDSize:\t64',
      `Groups:\t${(p.cred.groups ?? []).join(' ')}`,
      `VmPeak:\t${String(kb).padStart(8)} kB`,
      `VmSize:\t${String(kb).padStart(8)} kB`,
      `VmRSS:\t${String(kb).padStart(8)} kB`,
      'Threads:\t1',
      '',
    ].join('\n');
  }

  private stat(p: ProcessInfo): string {
    const start = Math.round(((p.startTime - this.o.table.bootTime) / 1000) * CLK_TCK);
    // The time it ran, all as user time: the engine serves its system calls.
    const utime = Math.round((cpuTime(p) / 1000) * CLK_TCK);
    const fields = [
      p.pid, `(${comm(p)})`, p.state, p.ppid, p.pid, p.pid, 0, -1, 0x400100, 0, 0, 0, 0, utime, 0, 0, 0,
      20, 0, 1, 0, start, p.memoryBytes, Math.ceil(p.memoryBytes / PAGE), '18446744073709551615',
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 17, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];
    return fields.join(' ') + '\n';
  }
}
