/**
 * Writes bundle zips with yazl, made byte-for-byte reproducible: every entry gets the same DOS
 * timestamp and fixed modes, and no extended-timestamp field. yazl derives DOS time from a Date's
 * local-time parts, so a Date built from local parts (1980-01-01 00:00) gives the same bytes in every
 * time zone; `forceDosTimestamp` drops the UTC "UT" extra field that would differ between zones.
 */
import type { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import yazl from "yazl";

const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);
const FILE_MODE = 0o100644;
const DIRECTORY_MODE = 0o040755;

export type ZipEntry =
  | { kind: "directory"; name: string }
  /** `size`, when known, is checked by yazl: a file that changes length while being zipped fails the build. */
  | { kind: "stream"; name: string; size?: number; open: () => Readable };

/**
 * Writes the entries in order to `out`. Streams are opened lazily, one at a time, in entry order,
 * so callers can hash them as they pass and compute a later entry (the manifest) from earlier ones.
 */
export async function writeZip(entries: Iterable<ZipEntry>, out: Writable, signal?: AbortSignal): Promise<void> {
  const zip = new yazl.ZipFile();
  const common = { mtime: FIXED_MTIME, forceDosTimestamp: true } as const;
  for (const entry of entries) {
    if (entry.kind === "directory") {
      zip.addEmptyDirectory(entry.name.replace(/\/$/, ""), { ...common, mode: DIRECTORY_MODE });
    } else {
      zip.addReadStreamLazy(entry.name, { ...common, mode: FILE_MODE, size: entry.size, compress: true }, (cb) => {
        try {
          cb(null, entry.open());
        } catch (err) {
          cb(err as Error, undefined as unknown as Readable);
        }
      });
    }
  }
  zip.end();
  await pipeline(zip.outputStream, out, { signal });
}
