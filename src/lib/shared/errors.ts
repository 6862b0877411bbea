/**
 * Errors a person can act on. Each carries the exit code a command ends with and what to do next, so a
 * command prints it as it is (no stack trace) and domain code never needs to know about the command line.
 * Runs in the browser too.
 */

/**
 * 0: fine; 1: the answer is no (a regression, a failed measurement, a step that failed); 2: bad usage or data
 * that cannot be read; 3: the command itself broke (a bug, or the machine: out of memory), so it has no answer,
 * and a gate must not take that for a regression.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, broken: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

interface ErrorOptions {
  exitCode?: ExitCode;
  /** What to do next, when the message does not say it: "Run with --help for usage." */
  next?: string;
  cause?: unknown;
}

export class PerfsiteError extends Error {
  readonly exitCode: ExitCode;
  readonly next: string | undefined;
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? EXIT.failed;
    this.next = options.next;
  }
}

/** A command called wrongly: an unknown option, a missing argument, a value of the wrong shape. */
export class UsageError extends PerfsiteError {
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, { exitCode: EXIT.usage, next: 'Run with --help for usage.', ...options });
  }
}

/** A file or a run that cannot be read as it is: the message names the file and the fix. */
export class DataError extends PerfsiteError {
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, { exitCode: EXIT.usage, ...options });
  }
}
