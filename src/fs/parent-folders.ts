/**
 * Output paths in folders that do not exist yet (`-o bundles/my-plugin.zip`): the folders are
 * created, as build tools do, and the caller is told which so it can say so. After a failed write,
 * the folders made for it are removed again while they are still empty.
 */
import { mkdir, rmdir } from "node:fs/promises";
import path from "node:path";
import { ioError } from "../errors.js";

/** Creates the folder `file` goes into, and any missing above it; returns the top-most one created. */
export async function createParentFolders(file: string, mode = 0o777): Promise<string | undefined> {
  const dir = path.dirname(path.resolve(file));
  try {
    return await mkdir(dir, { recursive: true, mode });
  } catch (err) {
    throw ioError(err, dir, "write");
  }
}

/** Removes the folders `createParentFolders` made for `file` (up to `created`), as long as they are empty. */
export async function removeCreatedFolders(file: string, created: string | undefined): Promise<void> {
  if (created === undefined) return;
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    try {
      await rmdir(dir);
    } catch {
      return; // not empty, or gone: what is left belongs to someone
    }
    if (dir === created || dir === path.dirname(dir)) return;
  }
}
