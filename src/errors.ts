/**
 * Typed errors. Everything below the CLI entry point throws one of these; `src/cli.ts` is the one
 * place that prints them and turns them into an exit code. The core (bundle/, lint/, serve/, init/)
 * names no flag: what a command needs to say it in its own words is in `code` and `data`
 * (src/commands/cli-words.ts).
 *
 * Exit codes: 0 ok, 1 findings or a refused bundle, 2 usage, input or I/O error.
 */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export interface TykTsErrorOptions {
  /** A sentence telling the user what to do about it. */
  hint?: string;
  cause?: unknown;
  /** The values the message is made of, for callers that tell it in other words. */
  data?: Readonly<Record<string, unknown>>;
}

export class TykTsError extends Error {
  /** Machine-readable identifier, e.g. `manifest-syntax`. */
  readonly code: string;
  readonly exitCode: number;
  readonly hint?: string;
  readonly data?: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, exitCode: number, options: TykTsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.hint = options.hint;
    this.data = options.data;
  }
}

/** The same error in other words: class, code, exit code, data and cause stay. */
export function reworded<E extends TykTsError>(err: E, words: { message?: string; hint?: string }): E {
  const copy = Object.create(Object.getPrototypeOf(err) as object) as E;
  Object.defineProperties(copy, Object.getOwnPropertyDescriptors(err));
  if (words.message !== undefined) Object.defineProperty(copy, "message", { value: words.message, writable: true, configurable: true });
  if (words.hint !== undefined) Object.defineProperty(copy, "hint", { value: words.hint, writable: true, configurable: true, enumerable: true });
  return copy;
}

/** Bad flags or arguments (from a library caller: bad options). */
export class UsageError extends TykTsError {
  constructor(message: string, options?: TykTsErrorOptions) {
    super("usage", message, EXIT_USAGE, options);
  }
}

/** Input the user gave us that we cannot work with: a bad manifest, a missing file, a wrong key. */
export class InputError extends TykTsError {
  constructor(code: string, message: string, options?: TykTsErrorOptions) {
    super(code, message, EXIT_USAGE, options);
  }
}

/** The tool ran fine and found something the user must fix (lint errors, a refused bundle). */
export class FindingsError extends TykTsError {
  constructor(message: string, options?: TykTsErrorOptions) {
    super("findings", message, EXIT_FINDINGS, options);
  }
}

/** Turn Node's I/O errors into a sentence that names the path. */
export function ioError(err: unknown, path: string, action = "read"): InputError {
  const e = err as NodeJS.ErrnoException;
  const why =
    e?.code === "ENOENT" ? "does not exist"
    : e?.code === "EACCES" || e?.code === "EPERM" ? "is not accessible (permission denied)"
    : e?.code === "EISDIR" ? "is a directory, not a file"
    : e?.code === "ENOTDIR" ? "has a parent that is not a directory"
    : e?.code === "ENOSPC" ? "could not be written: no space left on device"
    : e?.code === "EROFS" ? "could not be written: read-only file system"
    : e?.code === "EFBIG" ? "could not be written: file too large for this file system or the process's file-size limit"
    : e?.code === "EPIPE" ? "could not be written: its reader closed it (EPIPE)"
    : e?.code === "ENXIO" ? "could not be opened for writing: a socket, or a device with nothing behind it"
    : e?.code === "EDQUOT" ? "could not be written: disk quota exceeded"
    : `could not be ${action === "read" ? "read" : "written"} (${e?.code ?? e?.message ?? String(err)})`;
  return new InputError(`io-${(e?.code ?? "error").toLowerCase()}`, `${path} ${why}`, { cause: err });
}
