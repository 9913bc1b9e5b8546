/**
 * Reads a zip the way Go's archive/zip does, because that is what the gateway unpacks bundles with:
 * the same end-of-directory search (including data prepended to the zip), the same reading of
 * central directory records until a bad one (only the count modulo 65536 must match), the same
 * directory test (`FileHeader.Mode().IsDir()`), only Store and Deflate, and the same checks while
 * reading an entry (declared size, CRC-32, data descriptor). A general-purpose reader such as yauzl
 * differs on each of these, and every difference would be a bundle whose verdict we get wrong.
 *
 * Nothing is unpacked: entry data is streamed from the archive with bounded buffers.
 */
import { open, type FileHandle } from "node:fs/promises";
import { Readable } from "node:stream";
import zlib from "node:zlib";

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_LENGTH = 22;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_LOCATOR_LENGTH = 20;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const ZIP64_EOCD_LENGTH = 56;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const CENTRAL_HEADER_LENGTH = 46;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_LENGTH = 30;
const DATA_DESCRIPTOR_SIGNATURE = 0x08074b50;
const DATA_DESCRIPTOR_LENGTH = 16;
const ZIP64_EXTRA_ID = 0x0001;
const UINT32_MAX = 0xffffffff;

export const METHOD_STORE = 0;
export const METHOD_DEFLATE = 8;

const READ_CHUNK = 1 << 20;
/** Deflated entries up to this size are inflated in one call rather than streamed. */
const SMALL_ENTRY = 256 * 1024;

/** Why Go's reader fails: the zip as a whole, or one entry's data. */
export type ZipFailure =
  | "not-a-zip" // no end-of-central-directory record, or offsets outside the file
  | "bad-central-directory" // records missing, truncated or miscounted
  | "bad-local-header"
  | "unsupported-method"
  | "size-mismatch"
  | "crc-mismatch"
  | "missing-data-descriptor" // flagged, but the bytes after the data are something else
  | "corrupt-data" // the deflate stream is invalid
  | "truncated";

export class ZipReadError extends Error {
  constructor(
    readonly failure: ZipFailure,
    message: string,
    /** What Go's archive/zip reports, as the gateway would log it. */
    readonly goError: string,
  ) {
    super(message);
    this.name = "ZipReadError";
  }
}

export interface ZipEntryHeader {
  /** Position in the central directory: the order the gateway unpacks in. */
  index: number;
  /** The name's raw bytes as a binary string (one char per byte), as Go and Linux see it. */
  name: string;
  /** The name decoded as UTF-8, for people. */
  displayName: string;
  creatorVersion: number;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  externalAttributes: number;
  /** Offset of the local header, including any data prepended to the zip. */
  headerOffset: number;
  /** Go's `FileHeader.Mode().IsDir()`: the gateway mkdirs such an entry instead of writing a file. */
  isDirectory: boolean;
}

/** Limits against zip bombs, checked on the sizes the central directory declares (Go never reads past them). */
export interface ZipLimits {
  /** Most entries in the central directory. */
  maxEntries: number;
  /** Most bytes all entries may unpack to together. */
  maxTotalSize: number;
  /** Highest uncompressed:compressed ratio of an entry larger than RATIO_CHECK_MIN_SIZE. */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 10_000, maxTotalSize: 1024 ** 3, maxRatio: 100 };

/** Small entries may compress extremely well (a run of spaces) without harming anyone. */
export const RATIO_CHECK_MIN_SIZE = 1024 ** 2;

export type ZipLimitKind = "entries" | "size" | "ratio";

export class ZipLimitError extends Error {
  constructor(
    readonly limit: ZipLimitKind,
    message: string,
  ) {
    super(message);
    this.name = "ZipLimitError";
  }
}

/** Deflate's best ratio: a 258-byte match costs at least 2 bits (1-bit length and distance codes). */
const DEFLATE_MAX_RATIO = 1032;

/**
 * The most bytes an entry's compressed data can unpack to. A larger declared size (often 0xFFFFFFFF
 * without a zip64 record) cannot be reached: Go's reader stops at the end of the data and fails with
 * "unexpected EOF", so such an entry is damaged, not a zip bomb.
 */
function reachableSize(entry: ZipEntryHeader): number {
  if (entry.method === METHOD_STORE) return entry.compressedSize;
  if (entry.method === METHOD_DEFLATE) return entry.compressedSize * DEFLATE_MAX_RATIO + 1024;
  return entry.uncompressedSize;
}

/** Throws ZipLimitError when the sizes the entries can really reach exceed the limits. */
export function checkZipLimits(entries: ZipEntryHeader[], limits: ZipLimits): void {
  let total = 0;
  for (const entry of entries) {
    if (entry.isDirectory) continue;
    const size = Math.min(entry.uncompressedSize, reachableSize(entry));
    total += size;
    if (total > limits.maxTotalSize) {
      throw new ZipLimitError("size", `the entries unpack to more than ${limits.maxTotalSize} bytes (zip bomb?)`);
    }
    const ratio = size / Math.max(entry.compressedSize, 1);
    if (size > RATIO_CHECK_MIN_SIZE && ratio > limits.maxRatio) {
      throw new ZipLimitError(
        "ratio",
        `"${entry.displayName}" unpacks ${entry.compressedSize} bytes to ${entry.uncompressedSize} (ratio ${Math.round(ratio)}:1, limit ${limits.maxRatio}:1; zip bomb?)`,
      );
    }
  }
}

const S_IFMT = 0xf000;
const S_IFDIR = 0x4000;
const MSDOS_DIR = 0x10;
const CREATOR_FAT = 0;
const CREATOR_UNIX = 3;
const CREATOR_NTFS = 11;
const CREATOR_VFAT = 14;
const CREATOR_MACOSX = 19;

/** Go's `FileHeader.Mode().IsDir()`. */
export function goIsDirectory(name: string, creatorVersion: number, externalAttributes: number): boolean {
  if (name.endsWith("/")) return true;
  switch (creatorVersion >>> 8) {
    case CREATOR_UNIX:
    case CREATOR_MACOSX:
      return ((externalAttributes >>> 16) & S_IFMT) === S_IFDIR;
    case CREATOR_FAT:
    case CREATOR_NTFS:
    case CREATOR_VFAT:
      return (externalAttributes & MSDOS_DIR) !== 0;
    default:
      return false;
  }
}

/** A binary string (one char per byte) as UTF-8 text; invalid bytes become U+FFFD. */
export function binaryToText(binary: string): string {
  return Buffer.from(binary, "latin1").toString("utf8");
}

/** Text as the binary string of its UTF-8 bytes, to compare with entry names. */
export function textToBinary(text: string): string {
  return Buffer.from(text, "utf8").toString("latin1");
}

function toNumber(value: bigint): number {
  // Offsets and sizes beyond 2^53 cannot be real on this machine; keep them huge so checks fail.
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(value);
}

/** Zips up to this size are read into memory at once: one read instead of several per entry. */
const IN_MEMORY_MAX = 4 * 1024 * 1024;

/** Positioned reads from the zip: the open file, or its bytes when it is small. */
interface ByteSource {
  read(target: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
}

function memorySource(bytes: Buffer): ByteSource {
  return {
    async read(target, offset, length, position) {
      return { bytesRead: position >= bytes.length ? 0 : bytes.copy(target, offset, position, Math.min(bytes.length, position + length)) };
    },
  };
}

/** io.ReadFull over a window of the file: "eof" when nothing was left, "short" when some was. */
class SequentialReader {
  private buffer = Buffer.alloc(0);
  private position: number;

  constructor(
    private readonly file: ByteSource,
    start: number,
    private readonly end: number,
  ) {
    this.position = start;
  }

  async readFull(length: number): Promise<Buffer | "eof" | "short"> {
    if (length === 0) return Buffer.alloc(0);
    while (this.buffer.length < length && this.position < this.end) {
      const chunk = Buffer.allocUnsafe(Math.min(Math.max(length, 64 * 1024), this.end - this.position));
      const { bytesRead } = await this.file.read(chunk, 0, chunk.length, this.position);
      if (bytesRead === 0) break;
      this.position += bytesRead;
      this.buffer = Buffer.concat([this.buffer, chunk.subarray(0, bytesRead)]);
    }
    if (this.buffer.length === 0) return "eof";
    if (this.buffer.length < length) {
      this.buffer = Buffer.alloc(0);
      return "short";
    }
    const out = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    return out;
  }
}

type HeaderResult = { entry: Omit<ZipEntryHeader, "index"> } | { failure: "format" | "short" | "eof" };

/** Go's readDirectoryHeader. */
async function readCentralHeader(reader: SequentialReader): Promise<HeaderResult> {
  const fixed = await reader.readFull(CENTRAL_HEADER_LENGTH);
  if (typeof fixed === "string") return { failure: fixed };
  if (fixed.readUInt32LE(0) !== CENTRAL_HEADER_SIGNATURE) return { failure: "format" };
  const nameLength = fixed.readUInt16LE(28);
  const extraLength = fixed.readUInt16LE(30);
  const commentLength = fixed.readUInt16LE(32);
  const variable = await reader.readFull(nameLength + extraLength + commentLength);
  if (typeof variable === "string") return { failure: variable };
  const name = variable.subarray(0, nameLength).toString("latin1");
  const extra = variable.subarray(nameLength, nameLength + extraLength);

  let compressedSize = BigInt(fixed.readUInt32LE(20));
  let uncompressedSize = BigInt(fixed.readUInt32LE(24));
  let headerOffset = BigInt(fixed.readUInt32LE(42));
  let needUncompressed = uncompressedSize === BigInt(UINT32_MAX);
  let needCompressed = compressedSize === BigInt(UINT32_MAX);
  let needOffset = headerOffset === BigInt(UINT32_MAX);
  let at = 0;
  while (extra.length - at >= 4) {
    const tag = extra.readUInt16LE(at);
    const size = extra.readUInt16LE(at + 2);
    at += 4;
    if (extra.length - at < size) break;
    const field = extra.subarray(at, at + size);
    at += size;
    if (tag !== ZIP64_EXTRA_ID) continue;
    // Only the values that are maxed out in the fixed header are present, in this order.
    let f = 0;
    const next = (): bigint | undefined => {
      if (field.length - f < 8) return undefined;
      const v = field.readBigUInt64LE(f);
      f += 8;
      return v;
    };
    if (needUncompressed) {
      needUncompressed = false;
      const v = next();
      if (v === undefined) return { failure: "format" };
      uncompressedSize = v;
    }
    if (needCompressed) {
      needCompressed = false;
      const v = next();
      if (v === undefined) return { failure: "format" };
      compressedSize = v;
    }
    if (needOffset) {
      needOffset = false;
      const v = next();
      if (v === undefined) return { failure: "format" };
      headerOffset = v;
    }
  }
  // Go accepts an uncompressed size of 2^32-1 without zip64 (42.zip), but not the other two.
  if (needCompressed || needOffset) return { failure: "format" };
  const creatorVersion = fixed.readUInt16LE(4);
  const externalAttributes = fixed.readUInt32LE(38);
  return {
    entry: {
      name,
      displayName: binaryToText(name),
      creatorVersion,
      flags: fixed.readUInt16LE(8),
      method: fixed.readUInt16LE(10),
      crc32: fixed.readUInt32LE(16),
      compressedSize: toNumber(compressedSize),
      uncompressedSize: toNumber(uncompressedSize),
      externalAttributes,
      headerOffset: toNumber(BigInt.asIntN(64, headerOffset) < 0n ? -1n : headerOffset),
      isDirectory: goIsDirectory(name, creatorVersion, externalAttributes),
    },
  };
}

interface DirectoryEnd {
  records: bigint;
  size: bigint;
  offset: bigint;
  /** Where the (zip64) end record starts. */
  endOffset: bigint;
}

const notAZip = (why: string) => new ZipReadError("not-a-zip", `not a valid zip file: ${why}`, "zip: not a valid zip file");

/** Go's findSignatureInBlock: the last end record whose comment fits in the block. */
function findEndRecord(block: Buffer): number {
  for (let i = block.length - EOCD_LENGTH; i >= 0; i--) {
    if (block.readUInt32LE(i) === EOCD_SIGNATURE && block.readUInt16LE(i + EOCD_LENGTH - 2) + EOCD_LENGTH + i <= block.length) return i;
  }
  return -1;
}

export class ZipArchive {
  private constructor(
    private readonly handle: FileHandle,
    private readonly file: ByteSource,
    readonly size: number,
    readonly entries: ZipEntryHeader[],
  ) {}

  /**
   * Opens a zip and reads its central directory. Throws ZipReadError when Go's reader would fail,
   * ZipLimitError when there are more entries than allowed, and Node's errors for I/O problems.
   */
  static async open(path: string, limits: ZipLimits): Promise<ZipArchive> {
    const handle = await open(path, "r");
    try {
      let size = (await handle.stat()).size;
      let source: ByteSource = handle;
      if (size <= IN_MEMORY_MAX) {
        const bytes = await handle.readFile();
        source = memorySource(bytes);
        size = bytes.length;
      }
      const entries = await readCentralDirectory(source, size, limits);
      return new ZipArchive(handle, source, size, entries);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  /**
   * What Go's `File.Open` checks before any data is read (the gateway opens an entry before creating
   * its file): the local header and the compression method. Returns where the data starts.
   */
  async openCheck(entry: ZipEntryHeader): Promise<number> {
    const header = await this.readAt(entry.headerOffset, LOCAL_HEADER_LENGTH);
    if (!header) {
      // Go's findBodyOffset calls ReadAt, which reports io.EOF for a short read as for none.
      const goError = entry.headerOffset < 0 ? "bytes.Reader.ReadAt: negative offset" : "EOF";
      throw new ZipReadError("bad-local-header", `the local header of "${entry.displayName}" lies ${entry.headerOffset < this.size ? "partly " : ""}beyond the end of the file`, goError);
    }
    if (header.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE) {
      throw new ZipReadError("bad-local-header", `"${entry.displayName}" has no local file header where the central directory points`, "zip: not a valid zip file");
    }
    if (entry.method !== METHOD_STORE && entry.method !== METHOD_DEFLATE) {
      throw new ZipReadError(
        "unsupported-method",
        `"${entry.displayName}" uses compression method ${entry.method}; the gateway reads only stored (0) and deflated (8) entries`,
        "zip: unsupported compression algorithm",
      );
    }
    return entry.headerOffset + LOCAL_HEADER_LENGTH + header.readUInt16LE(26) + header.readUInt16LE(28);
  }

  /**
   * The entry's data, checked as Go's `File.Open` reader checks it while the gateway copies it out:
   * the local header, the method, the declared size (never more is read), the CRC-32 and the data
   * descriptor. Errors are ZipReadError.
   */
  async openEntry(entry: ZipEntryHeader): Promise<Readable> {
    const start = await this.openCheck(entry);
    return Readable.from(this.checkedData(entry, start), { objectMode: false, highWaterMark: 4 * READ_CHUNK });
  }

  /** The entry's uncompressed bytes, streamed (or inflated in one call when small), checked as they pass. */
  private async *checkedData(entry: ZipEntryHeader, start: number): AsyncGenerator<Buffer> {
    const tooMuch = () =>
      new ZipReadError("size-mismatch", `"${entry.displayName}" holds more data than the ${entry.uncompressedSize} bytes its header declares`, "zip: not a valid zip file");
    let read = 0;
    let crc = 0;
    try {
      for await (const chunk of this.uncompressed(entry, start)) {
        read += chunk.length;
        if (read > entry.uncompressedSize) throw tooMuch();
        crc = zlib.crc32(chunk, crc);
        yield chunk;
      }
    } catch (err) {
      if (err instanceof ZipReadError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ERR_BUFFER_TOO_LARGE") throw tooMuch();
      if (code === "Z_BUF_ERROR") throw new ZipReadError("truncated", `"${entry.displayName}" is cut short: its compressed data ends early`, "unexpected EOF");
      if (code?.startsWith("Z_")) {
        throw new ZipReadError("corrupt-data", `"${entry.displayName}" has corrupt compressed data (${(err as Error).message})`, "flate: corrupt input");
      }
      throw err;
    }
    if (read !== entry.uncompressedSize) {
      const marker = entry.uncompressedSize === UINT32_MAX ? " (0xFFFFFFFF, zip64's marker, but the entry has no zip64 size record)" : "";
      throw new ZipReadError("truncated", `"${entry.displayName}" has ${read} bytes of data, but its header declares ${entry.uncompressedSize}${marker}`, "unexpected EOF");
    }
    const mismatch = () =>
      new ZipReadError("crc-mismatch", `"${entry.displayName}" fails its CRC-32 check: the data is damaged`, "zip: checksum error");
    if (entry.flags & 0x8) {
      const descriptorCrc = await this.readDataDescriptorCrc(start + entry.compressedSize);
      if (descriptorCrc === undefined) {
        throw new ZipReadError("truncated", `"${entry.displayName}" is flagged as followed by a data descriptor, but the file ends after its data`, "unexpected EOF");
      }
      if (descriptorCrc !== entry.crc32 && crc === entry.crc32) {
        // The data is intact: the flag promises a descriptor that is not there, and Go reads what follows as one.
        throw new ZipReadError(
          "missing-data-descriptor",
          `"${entry.displayName}" is flagged as followed by a data descriptor (general purpose bit 3), but the bytes after its data are not one; Go reads them as the descriptor and its CRC-32 does not match`,
          "zip: checksum error",
        );
      }
      if (descriptorCrc !== entry.crc32 || crc !== entry.crc32) throw mismatch();
    } else if (entry.crc32 !== 0 && crc !== entry.crc32) {
      throw mismatch();
    }
  }

  /**
   * Decompressed data, unchecked. Small entries are inflated in one synchronous call (capped just
   * above the declared size, so a lying header cannot make it large); others through a zlib stream
   * on the thread pool, which stops when the caller stops reading.
   */
  private async *uncompressed(entry: ZipEntryHeader, start: number): AsyncGenerator<Buffer> {
    if (entry.method === METHOD_STORE) {
      yield* this.readRange(start, entry.compressedSize);
      return;
    }
    if (entry.compressedSize <= SMALL_ENTRY && entry.uncompressedSize <= SMALL_ENTRY * 16) {
      // Like Go's section reader, the data stops at the end of the file.
      const available = Math.max(0, Math.min(entry.compressedSize, this.size - start));
      const compressed = (await this.readAt(start, available)) ?? Buffer.alloc(0);
      yield zlib.inflateRawSync(compressed, { maxOutputLength: entry.uncompressedSize + 1 });
      return;
    }
    const raw = Readable.from(this.readRange(start, entry.compressedSize), { objectMode: false, highWaterMark: 2 * READ_CHUNK });
    const inflate = raw.pipe(zlib.createInflateRaw({ chunkSize: 512 * 1024 }));
    raw.on("error", (err) => inflate.destroy(err));
    try {
      yield* inflate as AsyncIterable<Buffer>;
    } finally {
      inflate.destroy();
      raw.destroy();
    }
  }

  /** Go's readDataDescriptor: the CRC-32 it holds, with or without the optional signature. */
  private async readDataDescriptorCrc(offset: number): Promise<number | undefined> {
    const available = Math.max(0, Math.min(DATA_DESCRIPTOR_LENGTH, this.size - offset));
    const bytes = (await this.readAt(offset, available)) ?? Buffer.alloc(0);
    if (bytes.length < 4) return undefined;
    const signed = bytes.readUInt32LE(0) === DATA_DESCRIPTOR_SIGNATURE;
    const needed = signed ? 16 : 12;
    if (bytes.length < needed) return undefined;
    return signed ? bytes.readUInt32LE(4) : bytes.readUInt32LE(0);
  }

  /** Exactly `length` bytes at `offset`, or undefined when the file does not hold them (ReadAt's EOF). */
  private async readAt(offset: number, length: number): Promise<Buffer | undefined> {
    if (!(offset >= 0) || offset + length > this.size) return undefined;
    const buf = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.file.read(buf, done, length - done, offset + done);
      if (bytesRead === 0) return undefined;
      done += bytesRead;
    }
    return buf;
  }

  /** A window of the file in chunks; stops early at the end of the file, as Go's SectionReader does. */
  private async *readRange(start: number, length: number): AsyncGenerator<Buffer> {
    let position = start;
    const end = Math.min(start + length, this.size);
    while (position < end) {
      const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK, end - position));
      const { bytesRead } = await this.file.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      yield bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead);
    }
  }
}

/** Go's readDirectoryEnd, returning the end record and the base offset (data prepended to the zip). */
async function readDirectoryEnd(file: ByteSource, size: number): Promise<{ end: DirectoryEnd; baseOffset: bigint }> {
  let block: Buffer | undefined;
  let endOffset = -1;
  for (const [i, wanted] of [1024, 65 * 1024].entries()) {
    const length = Math.min(wanted, size);
    const buf = Buffer.alloc(length);
    if (length > 0) await file.read(buf, 0, length, size - length);
    const p = findEndRecord(buf);
    if (p >= 0) {
      block = buf.subarray(p);
      endOffset = size - length + p;
      break;
    }
    if (i === 1 || length === size) break;
  }
  if (!block) throw notAZip(size === 0 ? "the file is empty" : "no end-of-central-directory record (the file is not a zip, or it is truncated)");

  const end: DirectoryEnd = {
    records: BigInt(block.readUInt16LE(10)),
    size: BigInt(block.readUInt32LE(12)),
    offset: BigInt(block.readUInt32LE(16)),
    endOffset: BigInt(endOffset),
  };
  // Go compares the directory size with 0xffff here (not 0xffffffff); kept as Go has it.
  if (end.records === 0xffffn || end.size === 0xffffn || end.offset === 0xffffffffn) {
    const locatorOffset = endOffset - ZIP64_LOCATOR_LENGTH;
    if (locatorOffset >= 0) {
      const locator = Buffer.alloc(ZIP64_LOCATOR_LENGTH);
      await file.read(locator, 0, ZIP64_LOCATOR_LENGTH, locatorOffset);
      const p = BigInt.asIntN(64, locator.readBigUInt64LE(8));
      if (locator.readUInt32LE(0) === ZIP64_LOCATOR_SIGNATURE && locator.readUInt32LE(4) === 0 && locator.readUInt32LE(16) === 1 && p >= 0n) {
        if (p + BigInt(ZIP64_EOCD_LENGTH) > BigInt(size)) throw notAZip("the zip64 end record lies outside the file");
        const record = Buffer.alloc(ZIP64_EOCD_LENGTH);
        await file.read(record, 0, ZIP64_EOCD_LENGTH, Number(p));
        if (record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) throw notAZip("the zip64 end record is damaged");
        end.records = record.readBigUInt64LE(32);
        end.size = record.readBigUInt64LE(40);
        end.offset = record.readBigUInt64LE(48);
        end.endOffset = p;
      }
    }
  }
  let baseOffset = end.endOffset - BigInt.asIntN(64, end.size) - BigInt.asIntN(64, end.offset);
  const directoryStart = baseOffset + BigInt.asIntN(64, end.offset);
  if (directoryStart < 0n || directoryStart >= BigInt(size)) throw notAZip("the central directory offset points outside the file");
  // Go prefers a base offset of 0 when a directory record is found at the stated offset.
  if (baseOffset > 0n && end.offset < BigInt(size)) {
    const probe = new SequentialReader(file, Number(end.offset), size);
    if ("entry" in (await readCentralHeader(probe))) baseOffset = 0n;
  }
  return { end, baseOffset };
}

/** Go's Reader.init: read records until a bad one; only the count modulo 65536 must match. */
async function readCentralDirectory(file: ByteSource, size: number, limits: ZipLimits): Promise<ZipEntryHeader[]> {
  const { end, baseOffset } = await readDirectoryEnd(file, size);
  const reader = new SequentialReader(file, Number(baseOffset + BigInt.asIntN(64, end.offset)), size);
  const entries: ZipEntryHeader[] = [];
  let stop: "format" | "short";
  for (;;) {
    const result = await readCentralHeader(reader);
    if ("failure" in result) {
      if (result.failure === "eof") {
        throw new ZipReadError("bad-central-directory", "the central directory runs to the end of the file without an end record", "EOF");
      }
      stop = result.failure;
      break;
    }
    if (entries.length >= limits.maxEntries) {
      throw new ZipLimitError("entries", `the zip has more than ${limits.maxEntries} entries`);
    }
    const offset = result.entry.headerOffset + Number(baseOffset);
    entries.push({ ...result.entry, index: entries.length, headerOffset: result.entry.headerOffset < 0 ? -1 : offset });
  }
  if ((entries.length & 0xffff) !== Number(end.records & 0xffffn)) {
    throw new ZipReadError(
      "bad-central-directory",
      `the central directory is damaged: the end record announces ${end.records} entries, ${entries.length} could be read`,
      stop === "short" ? "unexpected EOF" : "zip: not a valid zip file",
    );
  }
  return entries;
}
