/**
 * Why a program could not start, worded as Docker (runc) words it, with the status a
 * shell gives it: 127 for a missing program or interpreter, 126 for one that cannot be
 * executed (no execute permission, a directory, not wasm and no `#!`).
 */
import { LayerboxError, type ErrorKind } from '../errors.ts';

export type ExecErrorCode = 'ENOENT' | 'EACCES' | 'ENOEXEC' | 'ELOOP';

export class ExecError extends LayerboxError {
  override readonly kind: ErrorKind;
  constructor(
    readonly code: ExecErrorCode,
    /** The program as asked for (argv[0]) or the path that failed. */
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.kind = code === 'ENOENT' ? 'NotFound' : 'FailedPrecondition';
  }

  /** The exit status a shell reports for it. */
  get status(): number {
    return this.code === 'ENOENT' ? 127 : 126;
  }

  static notInPath(name: string): ExecError {
    return new ExecError('ENOENT', name, `exec: "${name}": executable file not found in $PATH`);
  }
  static noSuchFile(name: string): ExecError {
    return new ExecError('ENOENT', name, `exec: "${name}": stat ${name}: no such file or directory`);
  }
  static permissionDenied(name: string): ExecError {
    return new ExecError('EACCES', name, `exec: "${name}": permission denied`);
  }
  static isDirectory(name: string): ExecError {
    return new ExecError('EACCES', name, `exec: "${name}": is a directory`);
  }
  static formatError(path: string): ExecError {
    return new ExecError('ENOEXEC', path, `exec ${path}: exec format error`);
  }
  /** A `#!` interpreter that does not exist: the kernel says ENOENT about the script itself. */
  static missingInterpreter(path: string, interpreter: string): ExecError {
    return new ExecError('ENOENT', path, `exec ${path}: no such file or directory (interpreter ${interpreter} not found)`);
  }
  static tooManyInterpreters(path: string): ExecError {
    return new ExecError('ELOOP', path, `exec ${path}: too many levels of symbolic links`);
  }
}
