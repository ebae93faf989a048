/**
 * The `layerbox` import module (wasm/ABI.md): owners and modes, credentials, processes,
 * signals and filesystem sizes. Each function returns a WASI errno unless ABI.md says
 * otherwise, and never throws (except a signal that ends the caller).
 */
import { DirFd } from './dir-fd.ts';
import { E, errnoOf } from './errno.ts';
import { extStatOf, type ExtStat } from './host-fd.ts';
import { WasiSignal, type WasiHost } from './wasi-host.ts';

export function layerboxImports(host: WasiHost): Record<string, (...args: number[]) => number> {
  const proc = host.proc;
  const view = (): DataView => new DataView(host.memory.buffer);
  const str = (ptr: number, len: number): string =>
    new TextDecoder().decode(new Uint8Array(host.memory.buffer, ptr, len));
  const strings = (ptr: number, len: number): string[] => {
    const s = str(ptr, len);
    const parts = s.split('\0');
    if (parts[parts.length - 1] === '') parts.pop();
    return parts;
  };

  const writeStat = (out: number, st: ExtStat): void => {
    const v = view();
    v.setUint32(out, st.mode >>> 0, true);
    v.setUint32(out + 4, st.uid >>> 0, true);
    v.setUint32(out + 8, st.gid >>> 0, true);
    v.setUint32(out + 12, st.rdevMajor >>> 0, true);
    v.setUint32(out + 16, st.rdevMinor >>> 0, true);
    v.setUint32(out + 20, 0, true);
  };

  /** Resolve (dirfd, path) to an inode, or an errno. */
  const lookup = (dirfd: number, ptr: number, len: number, follow: number): number | { ino: number } => {
    const d = host.fd(dirfd);
    if (!d) return E.BADF;
    if (!(d instanceof DirFd)) return E.NOTDIR;
    try {
      return { ino: proc.sys.fs.lookup(proc.cred, d.ino, str(ptr, len), follow !== 0) };
    } catch (e) {
      return errnoOf(e);
    }
  };

  return {
    stat_ext(dirfd, path, pathLen, follow, out) {
      const r = lookup(dirfd, path, pathLen, follow);
      if (typeof r === 'number') return r;
      try {
        writeStat(out, extStatOf(proc.sys.fs.stat(r.ino)));
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    fd_stat_ext(fd, out) {
      const f = host.fd(fd);
      if (!f) return E.BADF;
      const st = f.statExt();
      if (typeof st === 'number') return st;
      writeStat(out, st);
      return E.SUCCESS;
    },

    chmod(dirfd, path, pathLen, follow, mode) {
      const r = lookup(dirfd, path, pathLen, follow);
      if (typeof r === 'number') return r;
      try {
        proc.sys.fs.setattr(proc.cred, r.ino, { mode: mode & 0o7777 });
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    chown(dirfd, path, pathLen, follow, uid, gid) {
      const r = lookup(dirfd, path, pathLen, follow);
      if (typeof r === 'number') return r;
      const attr: { uid?: number; gid?: number } = {};
      if ((uid | 0) !== -1) attr.uid = uid >>> 0;
      if ((gid | 0) !== -1) attr.gid = gid >>> 0;
      try {
        proc.sys.fs.setattr(proc.cred, r.ino, attr);
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    umask(mask) {
      const prev = proc.umask;
      proc.umask = mask & 0o777;
      return prev;
    },
    getuid: () => proc.cred.uid,
    getgid: () => proc.cred.gid,
    getpid: () => proc.sys.proc.pid,
    getppid: () => proc.sys.proc.ppid,

    kill(pid, sig) {
      if (sig < 0 || sig > 64) return E.INVAL;
      // A signal to oneself ends the process here when the system does not do it itself.
      const r = proc.sys.proc.kill(pid | 0, sig);
      if (r === E.SUCCESS && sig !== 0 && (pid | 0) === proc.sys.proc.pid && terminates(sig)) throw new WasiSignal(sig);
      return r;
    },

    spawn(argvPtr, argvLen, envPtr, envLen, statusOut) {
      const argv = strings(argvPtr, argvLen);
      if (argv.length === 0) return E.INVAL;
      const env = envPtr === 0 && envLen === 0 ? null : strings(envPtr, envLen);
      const pwdOf = (list: readonly string[]): string | undefined =>
        list.find((e) => e.startsWith('PWD='))?.slice(4) || undefined;
      const cwd = (env && pwdOf(env)) ?? pwdOf(host.env) ?? '/';
      const fds = [0, 1, 2].map((n) => host.inheritable(n));
      const r = proc.sys.proc.spawn({ argv, env: env ?? [...host.env], cwd, fds, umask: proc.umask });
      if (!r.ok) return r.errno;
      // The child moved the offsets of inherited files.
      r.positions.forEach((p, n) => {
        const f = host.fd(n) as { position?: number } | undefined;
        if (p !== null && f && typeof f.position === 'number') f.position = p;
      });
      view().setInt32(statusOut, r.status, true);
      return E.SUCCESS;
    },

    statfs(dirfd, path, pathLen, out) {
      const r = lookup(dirfd, path, pathLen, 1);
      if (typeof r === 'number') return r;
      try {
        const s = proc.sys.proc.statfs(proc.cred, r.ino);
        const v = view();
        v.setBigUint64(out, BigInt(s.blockSize), true);
        v.setBigUint64(out + 8, BigInt(s.blocks), true);
        v.setBigUint64(out + 16, BigInt(s.blocksFree), true);
        v.setBigUint64(out + 24, BigInt(s.files), true);
        v.setBigUint64(out + 32, BigInt(s.filesFree), true);
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },
  };
}

/** Signals whose default action ends a process (all but CHLD, CONT, STOP, TSTP, TTIN, TTOU, URG, WINCH). */
export function terminates(sig: number): boolean {
  return ![17, 18, 19, 20, 21, 22, 23, 28].includes(sig);
}

