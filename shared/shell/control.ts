/**
 * Non-local control flow inside the interpreter. These are thrown and caught by the
 * interpreter only; none reaches a caller of runShell.
 */

/** `exit`, set -e, or a fatal error: leave the current (sub)shell with this status. */
export class ExitSignal {
  constructor(
    readonly status: number,
    /** false for `exec`: the shell is replaced, so its EXIT trap does not run. */
    readonly runTrap = true,
  ) {}
}

/**
 * A shell error already reported on stderr (ash's EXERROR): a non-interactive shell
 * exits with `status`, a regular builtin just fails with it.
 */
export class ShellError {
  constructor(readonly status: number) {}
}

/** `break n` / `continue n`. */
export class LoopSignal {
  constructor(
    public count: number,
    readonly isContinue: boolean,
  ) {}
}

/** `return` from a function or a dot script. */
export class ReturnSignal {
  constructor(readonly status: number) {}
}

/** The shell was killed by a signal it does not trap. */
export class KilledSignal {
  constructor(readonly signal: number) {}
}
