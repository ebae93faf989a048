/**
 * WASI preview1 errno values and the mapping from POSIX error names (the `code` of an
 * `FsError`) to them. Numbers from the preview1 witx (`typenames.witx`, `$errno`).
 */
import { wasi } from '@bjorn3/browser_wasi_shim';

export const E = {
  SUCCESS: wasi.ERRNO_SUCCESS,
  ACCES: wasi.ERRNO_ACCES,
  AGAIN: wasi.ERRNO_AGAIN,
  BADF: wasi.ERRNO_BADF,
  CHILD: wasi.ERRNO_CHILD,
  EXIST: wasi.ERRNO_EXIST,
  FAULT: wasi.ERRNO_FAULT,
  FBIG: wasi.ERRNO_FBIG,
  INTR: wasi.ERRNO_INTR,
  INVAL: wasi.ERRNO_INVAL,
  IO: wasi.ERRNO_IO,
  ISDIR: wasi.ERRNO_ISDIR,
  LOOP: wasi.ERRNO_LOOP,
  MFILE: wasi.ERRNO_MFILE,
  NAMETOOLONG: wasi.ERRNO_NAMETOOLONG,
  NOENT: wasi.ERRNO_NOENT,
  NOEXEC: wasi.ERRNO_NOEXEC,
  NOMEM: wasi.ERRNO_NOMEM,
  NOSPC: wasi.ERRNO_NOSPC,
  NOSYS: wasi.ERRNO_NOSYS,
  NOTDIR: wasi.ERRNO_NOTDIR,
  NOTEMPTY: wasi.ERRNO_NOTEMPTY,
  NOTSOCK: wasi.ERRNO_NOTSOCK,
  NOTSUP: wasi.ERRNO_NOTSUP,
  NOTTY: wasi.ERRNO_NOTTY,
  NXIO: wasi.ERRNO_NXIO,
  OVERFLOW: wasi.ERRNO_OVERFLOW,
  PERM: wasi.ERRNO_PERM,
  PIPE: wasi.ERRNO_PIPE,
  ROFS: wasi.ERRNO_ROFS,
  SPIPE: wasi.ERRNO_SPIPE,
  SRCH: wasi.ERRNO_SRCH,
  XDEV: wasi.ERRNO_XDEV,
  NOTCAPABLE: wasi.ERRNO_NOTCAPABLE,
} as const;

/** POSIX error name → WASI errno, for every name the filesystem or the runtime may use. */
const BY_NAME: Record<string, number> = {
  E2BIG: 1, EACCES: 2, EADDRINUSE: 3, EADDRNOTAVAIL: 4, EAFNOSUPPORT: 5, EAGAIN: 6,
  EWOULDBLOCK: 6, EALREADY: 7, EBADF: 8, EBADMSG: 9, EBUSY: 10, ECANCELED: 11, ECHILD: 12,
  ECONNABORTED: 13, ECONNREFUSED: 14, ECONNRESET: 15, EDEADLK: 16, EDESTADDRREQ: 17,
  EDOM: 18, EDQUOT: 19, EEXIST: 20, EFAULT: 21, EFBIG: 22, EHOSTUNREACH: 23, EIDRM: 24,
  EILSEQ: 25, EINPROGRESS: 26, EINTR: 27, EINVAL: 28, EIO: 29, EISCONN: 30, EISDIR: 31,
  ELOOP: 32, EMFILE: 33, EMLINK: 34, EMSGSIZE: 35, EMULTIHOP: 36, ENAMETOOLONG: 37,
  ENETDOWN: 38, ENETRESET: 39, ENETUNREACH: 40, ENFILE: 41, ENOBUFS: 42, ENODEV: 43,
  ENOENT: 44, ENOEXEC: 45, ENOLCK: 46, ENOLINK: 47, ENOMEM: 48, ENOMSG: 49,
  ENOPROTOOPT: 50, ENOSPC: 51, ENOSYS: 52, ENOTCONN: 53, ENOTDIR: 54, ENOTEMPTY: 55,
  ENOTRECOVERABLE: 56, ENOTSOCK: 57, ENOTSUP: 58, EOPNOTSUPP: 58, ENOTTY: 59, ENXIO: 60,
  EOVERFLOW: 61, EOWNERDEAD: 62, EPERM: 63, EPIPE: 64, EPROTO: 65, EPROTONOSUPPORT: 66,
  EPROTOTYPE: 67, ERANGE: 68, EROFS: 69, ESPIPE: 70, ESRCH: 71, ESTALE: 72, ETIMEDOUT: 73,
  ETXTBSY: 74, EXDEV: 75, ENOTCAPABLE: 76,
};

/** The WASI errno for a POSIX error name, EIO for an unknown one. */
export function errnoFromName(name: string): number {
  return BY_NAME[name] ?? E.IO;
}

/**
 * The errno an exception stands for: the `code` of an FsError (or any error carrying a
 * POSIX `code`), EIO for anything else. Used by every WASI entry point, which returns
 * errno values and never throws.
 */
export function errnoOf(err: unknown): number {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return errnoFromName(code);
  return E.IO;
}

/** The POSIX name of a WASI errno (for messages). */
export function errnoName(errno: number): string {
  for (const [k, v] of Object.entries(BY_NAME)) if (v === errno) return k;
  return `errno ${errno}`;
}
