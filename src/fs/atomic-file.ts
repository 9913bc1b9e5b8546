/**
 * Every file tyk-ts writes goes through here, and what happens depends on what the path is:
 *
 * - `-` is standard output.
 * - A device, FIFO or socket (`/dev/null`, a named pipe), or a descriptor of this process
 *   (`/dev/stdout`, `/dev/fd/63` from `>(…)`), is opened and written in place. Renaming a file over it
 *   would turn `/dev/null` into a regular file for every later user of the machine.
 * - A symlink is followed, chains too: the file at the end is replaced, and the link stays a link.
 * - A regular file, or a name not taken yet, is written atomically: a hidden temporary file beside
 *   it, fsync, rename over it, so nobody ever sees it half-written. A file that exists keeps its mode
 *   and owner, unless the caller fixes the mode (a private key is always 0600).
 * - A directory is an error.
 *
 * A failure or an abort removes the temporary file; a process-exit hook removes any that are left when
 * the process is stopped by a signal we handle. (SIGKILL cannot be handled: the leftover is a dotfile
 * ending in .tmp, which `serve` never hands out, and the next write to the same name removes it.)
 * What went into a device or a pipe before a failure cannot be taken back; the exit code says so.
 */
import { randomBytes } from "node:crypto";
import { constants, createReadStream, createWriteStream, fstatSync, unlinkSync } from "node:fs";
import { chmod, chown, lstat, open, readdir, readlink, realpath, rename, stat, unlink, type FileHandle } from "node:fs/promises";
import path from "node:path";
import type { Writable } from "node:stream";
import { isatty } from "node:tty";
import { InputError, ioError } from "../errors.js";

/** The output name that means standard output. */
export const STANDARD_OUTPUT = "-";

/** What an output path is, found by looking (lstat, following symlinks) before anything is written. */
export type OutputDestination =
  /** An open descriptor of this process: 1 for `-` and `/dev/stdout`. */
  | { kind: "descriptor"; path: string; fd: number }
  /** Written in place, never replaced. `path` is the end of any symlinks. */
  | { kind: "device"; path: string; type: "character device" | "block device" | "FIFO" | "socket" }
  | { kind: "directory"; path: string }
  /** A regular file, or a name not taken yet (`existing` unset); `path` is the end of any symlinks. */
  | { kind: "file"; path: string; existing?: { mode: number; uid: number; gid: number; size: number } };

/** Linux's own limit on links followed in one lookup (MAXSYMLINKS). */
const MAX_LINKS = 40;

/** `/proc/self/fd/N` and its spellings (`/dev/fd/N`, `/dev/stdout` resolve to it) name our descriptor N. */
function ownDescriptor(p: string): number | undefined {
  const m = new RegExp(`^/proc/(?:self|thread-self|${process.pid}(?:/task/\\d+)?)/fd/(\\d+)$`).exec(p);
  return m ? Number(m[1]) : undefined;
}

/** Looks at what `target` is, following symlinks to the end; nothing is created or changed. */
export async function resolveOutput(target: string): Promise<OutputDestination> {
  if (target === STANDARD_OUTPUT) return { kind: "descriptor", path: target, fd: 1 };
  let current = path.resolve(target);
  for (let links = 0; ; links++) {
    // A link's relative target is read from the folder it really is in.
    const dir = await realpath(path.dirname(current)).catch(() => path.dirname(current));
    current = path.join(dir, path.basename(current));
    const fd = ownDescriptor(current);
    if (fd !== undefined) {
      try {
        fstatSync(fd);
      } catch (err) {
        throw ioError(err, target, "write");
      }
      return { kind: "descriptor", path: target, fd };
    }
    let info;
    try {
      info = await lstat(current);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return { kind: "file", path: current };
      throw ioError(err, target, "write");
    }
    if (info.isSymbolicLink()) {
      if (links === MAX_LINKS) throw new InputError("output-link-loop", `${target}: too many levels of symbolic links`);
      current = path.resolve(dir, await readlink(current));
      continue;
    }
    if (info.isDirectory()) return { kind: "directory", path: current };
    if (info.isFile()) return { kind: "file", path: current, existing: { mode: info.mode & 0o7777, uid: info.uid, gid: info.gid, size: info.size } };
    const type = info.isCharacterDevice() ? "character device" : info.isBlockDevice() ? "block device" : info.isFIFO() ? "FIFO" : "socket";
    return { kind: "device", path: current, type };
  }
}

export interface OutputOptions {
  /** Mode of a new file (the umask applies). Default 0644. */
  mode?: number;
  /** Set `mode` even on a file that exists, whatever the umask (a private key stays 0600). */
  exactMode?: boolean;
  /** The output is bytes, not text: refuse a terminal. */
  binary?: boolean;
}

export interface OutputFile {
  readonly destination: OutputDestination;
  readonly stream: Writable;
  /** Flushes; a file is fsynced and renamed over its target. */
  commit(): Promise<void>;
  /** Removes the temporary file; safe to call more than once and after a failed commit. */
  abort(): Promise<void>;
}

const pending = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const p of pending) {
      try {
        unlinkSync(p);
      } catch {
        // already gone
      }
    }
  });
}

/** A temporary name beside the target: hidden, and not ending in the target's extension. */
export function temporaryNameFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
}

/**
 * A process killed with SIGKILL cannot remove its temporary file. Remove such leftovers for the same
 * target once they are clearly abandoned: a live writer touches its file continuously.
 */
const ABANDONED_AFTER_MS = 10 * 60 * 1000;

async function removeAbandonedTemporaries(target: string): Promise<void> {
  const dir = path.dirname(target);
  const prefix = `.${path.basename(target)}.`;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix) || !/^[0-9a-f]{12}\.tmp$/.test(name.slice(prefix.length))) continue;
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile() && Date.now() - info.mtimeMs > ABANDONED_AFTER_MS) await unlink(file).catch(() => undefined);
  }
}

function refuseDirectory(target: string, destination: { path: string }): never {
  const via = destination.path === path.resolve(target) ? "" : ` (${destination.path})`;
  throw new InputError("output-is-directory", `${target} is a directory${via}`, { hint: "name a file inside it" });
}

function refuseTerminal(target: string): never {
  throw new InputError("output-is-terminal", `${target} is a terminal; binary output would only garble it`, {
    hint: "redirect it to a file or a pipe",
  });
}

/**
 * An error (ENOSPC, EPIPE) is kept on the stream (`errored`) rather than thrown as an unhandled
 * event: writers see it in their write callbacks or through `errored`, and commit() throws it.
 */
function keepErrors<T extends Writable>(stream: T): T {
  return stream.on("error", () => undefined);
}

/** Waits until everything written has left the stream's buffer. */
function flushed(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stream.errored) return reject(stream.errored);
    if (stream.writableLength === 0) return resolve();
    stream.once("error", reject);
    stream.once("drain", () => {
      stream.off("error", reject);
      resolve();
    });
  });
}

/** Ends the stream and waits for `until`: "close" once a stream that owns its descriptor has closed it. */
function ended(stream: Writable, until: "finish" | "close"): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stream.errored) return reject(stream.errored);
    stream.once("error", reject);
    stream.once(until, () => resolve());
    stream.end();
  });
}

function closed(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.closed || stream.destroyed) resolve();
    else stream.once("close", () => resolve()).destroy();
  });
}

/** Standard output and error are Node's own streams (non-blocking pipes); other descriptors are written as given. */
function descriptorOutput(target: string, fd: number, options: OutputOptions): OutputFile {
  if (options.binary && isatty(fd)) refuseTerminal(target);
  const stream = fd === 1 ? process.stdout : fd === 2 ? process.stderr : keepErrors(createWriteStream(target, { fd, autoClose: false }));
  const own = fd > 2;
  return {
    destination: { kind: "descriptor", path: target, fd },
    stream,
    commit: () => (own ? ended(stream, "finish") : flushed(stream)),
    abort: async () => {
      if (own) await closed(stream);
    },
  };
}

async function deviceOutput(target: string, destination: Extract<OutputDestination, { kind: "device" }>, options: OutputOptions): Promise<OutputFile> {
  let handle: FileHandle;
  try {
    // No O_CREAT and no O_TRUNC: a device that vanished is an error, not a new regular file.
    // A FIFO's open waits for its reader, as `> fifo` does.
    handle = await open(destination.path, constants.O_WRONLY | constants.O_NOCTTY);
  } catch (err) {
    throw ioError(err, target, "write");
  }
  if (options.binary && isatty(handle.fd)) {
    await handle.close();
    refuseTerminal(target);
  }
  const stream = keepErrors(handle.createWriteStream({ highWaterMark: 1 << 20 }));
  return {
    destination,
    stream,
    commit: () => ended(stream, "close"),
    abort: () => closed(stream),
  };
}

/** Gives the finished temporary file the mode (and owner) its target should have, then renames it over the target. */
async function settle(tempPath: string, destination: Extract<OutputDestination, { kind: "file" }>, options: OutputOptions): Promise<void> {
  const { existing } = destination;
  if (options.exactMode) await chmod(tempPath, options.mode ?? 0o644);
  else if (existing) {
    // The owner first: chown clears set-id bits that chmod then restores. Only root may give a file away.
    await chown(tempPath, existing.uid, existing.gid).catch(() => undefined);
    await chmod(tempPath, existing.mode);
  }
  await rename(tempPath, destination.path);
}

async function fileOutput(target: string, destination: Extract<OutputDestination, { kind: "file" }>, options: OutputOptions): Promise<OutputFile> {
  installExitHook();
  await removeAbandonedTemporaries(destination.path);
  const tempPath = temporaryNameFor(destination.path);
  let handle: FileHandle;
  try {
    handle = await open(tempPath, "wx", options.mode ?? 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new InputError("io-enoent", `cannot write ${target}: the folder ${path.dirname(destination.path)} does not exist`, { cause: err });
    }
    throw ioError(err, target, "write");
  }
  pending.add(tempPath);
  const stream = keepErrors(handle.createWriteStream({ highWaterMark: 1 << 20 }));
  let done = false;
  const abort = async () => {
    if (done) return;
    done = true;
    await closed(stream);
    await unlink(tempPath).catch(() => undefined);
    pending.delete(tempPath);
  };
  return {
    destination,
    stream,
    async commit() {
      try {
        await ended(stream, "close");
        // On disk before the rename makes it visible under its real name (fsync on any descriptor
        // of the file flushes it; the stream has closed its own).
        const flush = await open(tempPath, "r+");
        await flush.sync().finally(() => flush.close());
        await settle(tempPath, destination, options);
      } catch (err) {
        await abort();
        throw ioError(err, target, "write");
      }
      done = true;
      pending.delete(tempPath);
    },
    abort,
  };
}

/** Opens `target` for writing by what it is (see the top of this file). */
export async function openOutput(target: string, options: OutputOptions = {}, destination?: OutputDestination): Promise<OutputFile> {
  const where = destination ?? (await resolveOutput(target));
  switch (where.kind) {
    case "descriptor":
      return descriptorOutput(target, where.fd, options);
    case "device":
      return deviceOutput(target, where, options);
    case "directory":
      return refuseDirectory(target, where);
    case "file":
      return fileOutput(target, where, options);
  }
}

async function writeAll(stream: Writable, data: string | Buffer): Promise<void> {
  await new Promise<void>((resolve, reject) => stream.write(data, (err) => (err ? reject(err) : resolve())));
}

/**
 * Writes a whole output: a file atomically (readers see the old content or the new, never a part), a
 * device or descriptor in place. Returns what the path turned out to be.
 */
export async function writeOutput(target: string, data: string | Buffer, options: OutputOptions = {}, destination?: OutputDestination): Promise<OutputDestination> {
  const out = await openOutput(target, options, destination);
  try {
    await writeAll(out.stream, data);
    await out.commit();
  } catch (err) {
    await out.abort();
    throw err instanceof InputError ? err : ioError(err, target, "write");
  }
  return out.destination;
}

/**
 * Moves a finished file to `target` by the same rules: renamed into place where it can be, copied
 * into a device, or into a link's target on another file system. `source` is gone afterwards.
 */
export async function placeFile(source: string, target: string, options: OutputOptions = {}): Promise<OutputDestination> {
  const destination = await resolveOutput(target);
  try {
    if (destination.kind === "file") {
      try {
        await settle(source, destination, options);
        return destination;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw ioError(err, target, "write");
      }
    }
    const out = await openOutput(target, options, destination);
    try {
      for await (const chunk of createReadStream(source, { highWaterMark: 1 << 20 })) await writeAll(out.stream, chunk as Buffer);
      await out.commit();
    } catch (err) {
      await out.abort();
      throw err instanceof InputError ? err : ioError(err, target, "write");
    }
    return destination;
  } finally {
    await unlink(source).catch(() => undefined);
  }
}
