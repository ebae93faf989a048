import { wasi } from '@bjorn3/browser_wasi_shim';
import type { SetAttr } from '../vfs/fs-api.ts';
import { E } from './errno.ts';

/** The times of an fd_filestat_set_times / path_filestat_set_times call; EINVAL for contradictory flags. */
export function timesOf(atim: bigint, mtim: bigint, fstFlags: number): Pick<SetAttr, 'atimeNs' | 'mtimeNs'> | number {
  const aSet = (fstFlags & wasi.FSTFLAGS_ATIM) !== 0;
  const aNow = (fstFlags & wasi.FSTFLAGS_ATIM_NOW) !== 0;
  const mSet = (fstFlags & wasi.FSTFLAGS_MTIM) !== 0;
  const mNow = (fstFlags & wasi.FSTFLAGS_MTIM_NOW) !== 0;
  if ((aSet && aNow) || (mSet && mNow)) return E.INVAL;
  if (fstFlags & ~0xf) return E.INVAL;
  const out: Pick<SetAttr, 'atimeNs' | 'mtimeNs'> = {};
  if (aSet) out.atimeNs = atim;
  if (aNow) out.atimeNs = 'now';
  if (mSet) out.mtimeNs = mtim;
  if (mNow) out.mtimeNs = 'now';
  return out;
}
