import { LayerboxError, type ErrorKind } from '../errors.ts';

export type FsErrorCode =
  | 'ENOENT' | 'ENOTDIR' | 'EISDIR' | 'EEXIST' | 'ENOTEMPTY' | 'ELOOP'
  | 'EACCES' | 'EPERM' | 'EROFS' | 'EINVAL' | 'EXDEV' | 'ENAMETOOLONG';

const KIND: Record<FsErrorCode, ErrorKind> = {
  ENOENT: 'NotFound', ENOTDIR: 'FailedPrecondition', EISDIR: 'FailedPrecondition',
  EEXIST: 'AlreadyExists', ENOTEMPTY: 'FailedPrecondition', ELOOP: 'InvalidArgument',
  EACCES: 'FailedPrecondition', EPERM: 'FailedPrecondition', EROFS: 'FailedPrecondition',
  EINVAL: 'InvalidArgument', EXDEV: 'InvalidArgument', ENAMETOOLONG: 'InvalidArgument',
};

const TEXT: Record<FsErrorCode, string> = {
  ENOENT: 'no such file or directory', ENOTDIR: 'not a directory', EISDIR: 'is a directory',
  EEXIST: 'file exists', ENOTEMPTY: 'directory not empty', ELOOP: 'too many levels of symbolic links',
  EACCES: 'permission denied', EPERM: 'operation not permitted', EROFS: 'read-only file system',
  EINVAL: 'invalid argument', EXDEV: 'invalid cross-device link', ENAMETOOLONG: 'file name too long',
};

/** A filesystem error with its POSIX code, so the WASI layer can map it to an errno. */
export class FsError extends LayerboxError {
  override readonly kind: ErrorKind;
  constructor(
    readonly code: FsErrorCode,
    readonly path: string,
  ) {
    super(`${path}: ${TEXT[code]}`);
    this.kind = KIND[code];
  }
}
