/**
 * Write a file so that nobody ever sees it half-written: write to a hidden temporary file beside the
 * target, fsync, then rename over the target. A failure or an abort removes the temporary file; a
 * process-exit hook removes any that are left when the process is stopped by a signal we handle.
 * (SIGKILL cannot be handled: the leftover is a dotfile ending in .tmp, which `serve` never hands out.)
 */
import { randomBytes } from "node:crypto";
import { createWriteStream, unlinkSync, type WriteStream } from "node:fs";
import { open, readdir, rename, stat, unlink } from "node:fs/promises";
import path from "node:path";
import { InputError, ioError } from "../errors.js";

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

export interface AtomicFile {
  readonly path: string;
  readonly tempPath: string;
  readonly stream: WriteStream;
  /** Flushes, fsyncs and renames the temporary file over the target. */
  commit(): Promise<void>;
  /** Removes the temporary file; safe to call more than once and after a failed commit. */
  abort(): Promise<void>;
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

export async function createAtomicFile(target: string, mode = 0o644): Promise<AtomicFile> {
  installExitHook();
  await removeAbandonedTemporaries(target);
  const tempPath = temporaryNameFor(target);
  const stream = createWriteStream(tempPath, { flags: "wx", mode, highWaterMark: 1 << 20 });
  await new Promise<void>((resolve, reject) => {
    stream.once("open", () => resolve());
    stream.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        err.code === "ENOENT"
          ? new InputError("io-enoent", `cannot write ${target}: the folder ${path.dirname(target)} does not exist`, { cause: err })
          : ioError(err, target, "write"),
      ),
    );
  });
  pending.add(tempPath);
  let done = false;
  return {
    path: target,
    tempPath,
    stream,
    async commit() {
      try {
        await new Promise<void>((resolve, reject) => {
          stream.once("error", reject);
          stream.once("close", resolve);
          stream.end();
        });
        // Flush to disk before the rename makes the file visible under its real name.
        const handle = await open(tempPath, "r+");
        await handle.sync().finally(() => handle.close());
        await rename(tempPath, target);
      } catch (err) {
        throw ioError(err, target, "write");
      }
      done = true;
      pending.delete(tempPath);
    },
    async abort() {
      if (done) return;
      done = true;
      await new Promise<void>((resolve) => {
        if (stream.closed) resolve();
        else stream.once("close", () => resolve()).destroy();
      });
      await unlink(tempPath).catch(() => undefined);
      pending.delete(tempPath);
    },
  };
}

/** Writes a whole file atomically: readers see the old content or the new, never a partial file. */
export async function writeFileAtomic(target: string, data: string | Buffer, mode = 0o644): Promise<void> {
  const file = await createAtomicFile(target, mode);
  try {
    await new Promise<void>((resolve, reject) => file.stream.write(data, (err) => (err ? reject(err) : resolve())));
    await file.commit();
  } catch (err) {
    await file.abort();
    throw err instanceof InputError ? err : ioError(err, target, "write");
  }
}

/**
 * Refuse to replace a file that is not a zip unless forced: `-o middleware.py` is a typo, not a wish
 * to lose the source. Replacing an earlier bundle is the normal edit-build loop.
 */
export async function assertReplaceableZip(target: string, force: boolean): Promise<void> {
  let info;
  try {
    info = await stat(target);
  } catch {
    return; // does not exist: nothing to protect
  }
  if (info.isDirectory()) throw new InputError("output-is-directory", `output ${target} is a directory`, { hint: "pass a file name such as bundle.zip" });
  if (force || info.size === 0) return;
  const fh = await open(target, "r");
  try {
    const head = Buffer.alloc(4);
    await fh.read(head, 0, 4, 0);
    if (head.readUInt32LE(0) === 0x04034b50 || head.readUInt32LE(0) === 0x06054b50) return;
  } finally {
    await fh.close();
  }
  throw new InputError("output-exists", `output ${target} exists and is not a zip file; refusing to overwrite it`, {
    hint: "choose another output path, or allow replacing it (force)",
  });
}
