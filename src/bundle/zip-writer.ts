/**
 * A small streaming zip writer on Node's zlib, built for bundles:
 *
 * - Reproducible: every entry has the same DOS timestamp (1980-01-01 00:00, written as fixed bits,
 *   so no time zone is involved), fixed modes and no extra fields. (yazl writes DOS times from
 *   local-time parts and archiver 8 reorders entries; see README "Dependencies".)
 * - Parallel: each file is cut into 1 MiB pieces that are deflated concurrently on libuv's thread
 *   pool, each ending on a full flush, so their concatenation is one valid deflate stream (the way
 *   pigz works). That uses every core where `zip` uses one.
 * - Streaming with flat memory: at most `WINDOW` pieces are in flight.
 *
 * Entries use data descriptors (sizes follow the data), which Go's archive/zip — the gateway's
 * reader — unzip and Python read. Bundles over 4 GiB (zip64) are refused.
 */
import { crc32, constants as zlibConstants, deflateRaw } from "node:zlib";
import type { Writable } from "node:stream";
import { promisify } from "node:util";
import { InputError } from "../errors.js";

const deflateRawAsync = promisify(deflateRaw) as (buf: Buffer, options: object) => Promise<Buffer>;

export const PIECE_SIZE = 1 << 20;
const WINDOW = 4;
const DEFLATE = 8;
const FLAG_DATA_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
const VERSION_NEEDED = 20;
const VERSION_MADE_BY = (3 << 8) | 20; // Unix, spec 2.0
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
const FILE_MODE = 0o100644;
const DIRECTORY_MODE = 0o040755;
const FINAL_EMPTY_BLOCK = Buffer.from([0x03, 0x00]);
const MAX_32 = 0xffffffff;

export type ZipEntry =
  | { kind: "directory"; name: string }
  /** `read` is called when the writer reaches the entry, after earlier entries were read in full. */
  | { kind: "file"; name: string; read: () => AsyncIterable<Buffer> };

interface CentralRecord {
  name: Buffer;
  offset: number;
  crc: number;
  compressedSize: number;
  size: number;
  directory: boolean;
}

function localHeader(name: Buffer, directory: boolean): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(VERSION_NEEDED, 4);
  h.writeUInt16LE(FLAG_UTF8 | (directory ? 0 : FLAG_DATA_DESCRIPTOR), 6);
  h.writeUInt16LE(directory ? 0 : DEFLATE, 8);
  h.writeUInt16LE(DOS_TIME, 10);
  h.writeUInt16LE(DOS_DATE, 12);
  // crc and sizes: 0 here; a directory has none, a file's follow in its data descriptor
  h.writeUInt16LE(name.length, 26);
  return Buffer.concat([h, name]);
}

function dataDescriptor(r: CentralRecord): Buffer {
  const d = Buffer.alloc(16);
  d.writeUInt32LE(0x08074b50, 0);
  d.writeUInt32LE(r.crc, 4);
  d.writeUInt32LE(r.compressedSize, 8);
  d.writeUInt32LE(r.size, 12);
  return d;
}

function centralHeader(r: CentralRecord): Buffer {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(VERSION_MADE_BY, 4);
  h.writeUInt16LE(VERSION_NEEDED, 6);
  h.writeUInt16LE(FLAG_UTF8 | (r.directory ? 0 : FLAG_DATA_DESCRIPTOR), 8);
  h.writeUInt16LE(r.directory ? 0 : DEFLATE, 10);
  h.writeUInt16LE(DOS_TIME, 12);
  h.writeUInt16LE(DOS_DATE, 14);
  h.writeUInt32LE(r.crc, 16);
  h.writeUInt32LE(r.compressedSize, 20);
  h.writeUInt32LE(r.size, 24);
  h.writeUInt16LE(r.name.length, 28);
  h.writeUInt32LE(((r.directory ? DIRECTORY_MODE : FILE_MODE) << 16) >>> 0, 38);
  h.writeUInt32LE(r.offset, 42);
  return Buffer.concat([h, r.name]);
}

function endOfCentralDirectory(count: number, size: number, offset: number): Buffer {
  const e = Buffer.alloc(22);
  e.writeUInt32LE(0x06054b50, 0);
  e.writeUInt16LE(count, 8);
  e.writeUInt16LE(count, 10);
  e.writeUInt32LE(size, 12);
  e.writeUInt32LE(offset, 16);
  return e;
}

/** What was written for one entry. */
export interface WrittenEntry {
  name: string;
  size: number;
  compressedSize: number;
}

/** Writes `entries` in order to `out`; returns each file entry's sizes and the zip's size. */
export async function writeZip(entries: Iterable<ZipEntry>, out: Writable, signal?: AbortSignal): Promise<{ entries: WrittenEntry[]; size: number }> {
  let offset = 0;
  const records: CentralRecord[] = [];
  // Pieces in output order: ready bytes, a deflate in flight, or bytes computed when their turn
  // comes (a data descriptor, once every piece before it is written and counted).
  type Piece = Buffer | Promise<Buffer> | (() => Buffer);
  const queue: Array<{ piece: Piece; onWrite?: (at: number) => void }> = [];

  const write = async (buf: Buffer): Promise<void> => {
    signal?.throwIfAborted();
    offset += buf.length;
    if (offset > MAX_32) throw new InputError("bundle-too-large", "the bundle would exceed 4 GiB, which tyk-ts does not write (the gateway's downloader is not made for it either)");
    if (!out.write(buf)) {
      // A stream that has failed never drains.
      if (out.errored) throw out.errored;
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        out.once("error", onError);
        out.once("drain", () => {
          out.off("error", onError);
          resolve();
        });
      });
    }
  };
  const flushOne = async (): Promise<void> => {
    const item = queue.shift()!;
    const buf = typeof item.piece === "function" ? item.piece() : await item.piece;
    item.onWrite?.(offset);
    await write(buf);
  };
  const emit = async (piece: Piece, onWrite?: (at: number) => void): Promise<void> => {
    // A rejected piece is awaited by flushOne; silence the unhandled-rejection warning meanwhile.
    if (piece instanceof Promise) piece.catch(() => undefined);
    queue.push({ piece, onWrite });
    while (queue.length > WINDOW) await flushOne();
  };

  try {
    for (const entry of entries) {
      const name = Buffer.from(entry.kind === "directory" ? entry.name.replace(/\/?$/, "/") : entry.name, "utf8");
      const record: CentralRecord = { name, offset: 0, crc: 0, compressedSize: 0, size: 0, directory: entry.kind === "directory" };
      records.push(record);
      await emit(localHeader(name, record.directory), (at) => (record.offset = at));
      if (entry.kind === "directory") continue;
      for await (const chunk of entry.read()) {
        signal?.throwIfAborted();
        record.crc = crc32(chunk, record.crc);
        record.size += chunk.length;
        if (record.size > MAX_32) throw new InputError("bundle-too-large", `${entry.name} is larger than 4 GiB, which tyk-ts does not bundle`);
        const piece = deflateRawAsync(chunk, { level: 6, finishFlush: zlibConstants.Z_FULL_FLUSH }).then((c) => {
          record.compressedSize += c.length;
          return c;
        });
        await emit(piece);
      }
      record.compressedSize += FINAL_EMPTY_BLOCK.length;
      await emit(FINAL_EMPTY_BLOCK);
      await emit(() => dataDescriptor(record));
    }
    while (queue.length > 0) await flushOne();
    const centralStart = offset;
    for (const r of records) await write(centralHeader(r));
    if (records.length > 0xffff) throw new InputError("bundle-too-many-files", "a bundle can hold at most 65,535 entries");
    await write(endOfCentralDirectory(records.length, offset - centralStart, centralStart));
    return { entries: records.filter((r) => !r.directory).map((r) => ({ name: r.name.toString("utf8"), size: r.size, compressedSize: r.compressedSize })), size: offset };
  } finally {
    // Let in-flight deflates settle so nothing rejects after we return.
    await Promise.allSettled(queue.map((q) => (typeof q.piece === "function" ? undefined : q.piece)));
  }
}
