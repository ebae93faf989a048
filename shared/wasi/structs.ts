/**
 * Byte layouts of the preview1 structs this host writes or reads where
 * browser_wasi_shim 0.4.2's own classes are wrong (offsets from the preview1 witx,
 * `typenames.witx`): its `Filestat.write_bytes` puts atim/mtim/ctim at 38/46/52 instead
 * of 40/48/56, and its `Subscription.read_bytes` reads the clock flags at 36 instead of 40
 * and knows no fd subscriptions.
 */
import { wasi } from '@bjorn3/browser_wasi_shim';
import type { FileType, Stat } from '../vfs/fs-api.ts';

/** `filestat`: 64 bytes. Subclasses the shim's class so its own fd_filestat_get path writes it right. */
export class Filestat extends wasi.Filestat {
  override write_bytes(view: DataView, ptr: number): void {
    view.setBigUint64(ptr, this.dev, true);
    view.setBigUint64(ptr + 8, this.ino, true);
    view.setUint8(ptr + 16, this.filetype);
    view.setBigUint64(ptr + 24, this.nlink, true);
    view.setBigUint64(ptr + 32, this.size, true);
    view.setBigUint64(ptr + 40, this.atim, true);
    view.setBigUint64(ptr + 48, this.mtim, true);
    view.setBigUint64(ptr + 56, this.ctim, true);
  }
}

/** The device number every inode of a container's filesystem reports. */
export const FS_DEV = 0x2an;

export function wasiFiletype(t: FileType): number {
  switch (t) {
    case 'file': return wasi.FILETYPE_REGULAR_FILE;
    case 'dir': return wasi.FILETYPE_DIRECTORY;
    case 'symlink': return wasi.FILETYPE_SYMBOLIC_LINK;
    case 'char': return wasi.FILETYPE_CHARACTER_DEVICE;
    case 'block': return wasi.FILETYPE_BLOCK_DEVICE;
    // preview1 has no fifo type.
    case 'fifo': return wasi.FILETYPE_UNKNOWN;
  }
}

export function filestatOf(st: Stat): Filestat {
  const f = new Filestat(BigInt(st.ino), wasiFiletype(st.type), BigInt(st.size));
  f.dev = FS_DEV;
  f.nlink = BigInt(st.nlink);
  f.atim = st.atimeNs;
  f.mtim = st.mtimeNs;
  f.ctim = st.ctimeNs;
  return f;
}

/** `subscription`: 48 bytes, a clock or an fd_read / fd_write union. */
export interface Subscription {
  userdata: bigint;
  type: number;
  /** Clock subscriptions. */
  clockId: number;
  timeout: bigint;
  flags: number;
  /** fd subscriptions. */
  fd: number;
}

export const SUBSCRIPTION_SIZE = 48;
export const EVENT_SIZE = 32;

export function readSubscription(view: DataView, ptr: number): Subscription {
  return {
    userdata: view.getBigUint64(ptr, true),
    type: view.getUint8(ptr + 8),
    clockId: view.getUint32(ptr + 16, true),
    timeout: view.getBigUint64(ptr + 24, true),
    flags: view.getUint16(ptr + 40, true),
    fd: view.getUint32(ptr + 16, true),
  };
}

/** `event`: 32 bytes; `nbytes` and `flags` matter for fd events only. */
export function writeEvent(
  view: DataView, ptr: number,
  e: { userdata: bigint; error: number; type: number; nbytes?: bigint; hangup?: boolean },
): void {
  for (let i = 0; i < EVENT_SIZE; i += 4) view.setUint32(ptr + i, 0, true);
  view.setBigUint64(ptr, e.userdata, true);
  view.setUint16(ptr + 8, e.error, true);
  view.setUint8(ptr + 10, e.type);
  view.setBigUint64(ptr + 16, e.nbytes ?? 0n, true);
  view.setUint16(ptr + 24, e.hangup ? wasi.EVENTRWFLAGS_FD_READWRITE_HANGUP : 0, true);
}
