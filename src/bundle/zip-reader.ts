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
/** Entries up to this size (compressed) are read in one piece and inflated in one call rather than streamed. */
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

const ASCII = /^[\x00-\x7f]*$/;

/** A binary string (one char per byte) as UTF-8 text; invalid bytes become U+FFFD. */
export function binaryToText(binary: string): string {
  return ASCII.test(binary) ? binary : Buffer.from(binary, "latin1").toString("utf8");
}

/** Text as the binary string of its UTF-8 bytes, to compare with entry names. */
export function textToBinary(text: string): string {
  return Buffer.from(text, "utf8").toString("latin1");
}

function toNumber(value: bigint): number {
  // Offsets and sizes beyond 2^53 cannot be real on this machine; keep them huge so checks fail.
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(value);
}

/**
 * Zips up to this size are read into memory with one read: a bundle of thousands of small files
 * then waits for the disk (or the thread pool) once, not once per block.
 */
const IN_MEMORY_MAX = 16 * 1024 * 1024;
/**
 * Larger zips are read a block of this size at a time: the local header, data and data descriptor
 * of small entries lying side by side then cost one read per block instead of three reads each.
 */
const BLOCK_SIZE = 1 << 20;

/** Positioned reads from the zip: the open file, or its bytes when it is small. */
interface ByteSource {
  /** Up to `length` bytes at `position` (fewer only at the end of the file). They may be shared: never write to them. */
  bytesAt(position: number, length: number): Promise<Buffer>;
}

function memorySource(bytes: Buffer): ByteSource {
  return {
    async bytesAt(position, length) {
      return bytes.subarray(position, position + length);
    },
  };
}

/** The file read through one cached block; reads of a block or more go straight to their own buffer. */
class BlockSource implements ByteSource {
  private block: Buffer = Buffer.alloc(0);
  private blockStart = 0;

  constructor(
    private readonly handle: FileHandle,
    private readonly size: number,
  ) {}

  async bytesAt(position: number, length: number): Promise<Buffer> {
    const end = Math.min(position + length, this.size);
    if (end <= position) return Buffer.alloc(0);
    if (position >= this.blockStart && end <= this.blockStart + this.block.length) {
      return this.block.subarray(position - this.blockStart, end - this.blockStart);
    }
    if (length >= BLOCK_SIZE) return readFully(this.handle, position, end - position);
    this.block = await readFully(this.handle, position, Math.min(BLOCK_SIZE, this.size - position));
    this.blockStart = position;
    return this.block.subarray(0, end - position);
  }
}

/** `length` bytes at `position` in a buffer of their own; fewer when the file ends first. */
async function readFully(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buffer : buffer.subarray(0, done);
}

/** io.ReadFull over a window of the file: "eof" when nothing was left, "short" when some was. */
class SequentialReader {
  private buffer: Buffer = Buffer.alloc(0);
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
      const chunk = await this.file.bytesAt(this.position, Math.min(Math.max(length, 64 * 1024), this.end - this.position));
      if (chunk.length === 0) break;
      this.position += chunk.length;
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
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

type HeaderResult = { entry: ZipEntryHeader } | { failure: "format" | "short" | "eof" };

/**
 * Go's readDirectoryHeader. The entry's index and headerOffset are the record's own (the caller
 * sets its place in the directory and adds data prepended to the zip). Plain numbers unless zip64
 * values are present: a bundle's thousands of records are read with little garbage.
 */
async function readCentralHeader(reader: SequentialReader): Promise<HeaderResult> {
  const fixed = await reader.readFull(CENTRAL_HEADER_LENGTH);
  if (typeof fixed === "string") return { failure: fixed };
  if (fixed.readUInt32LE(0) !== CENTRAL_HEADER_SIGNATURE) return { failure: "format" };
  const nameLength = fixed.readUInt16LE(28);
  const extraLength = fixed.readUInt16LE(30);
  const commentLength = fixed.readUInt16LE(32);
  const variable = await reader.readFull(nameLength + extraLength + commentLength);
  if (typeof variable === "string") return { failure: variable };
  const name = variable.toString("latin1", 0, nameLength);

  let compressedSize = fixed.readUInt32LE(20);
  let uncompressedSize = fixed.readUInt32LE(24);
  let headerOffset = fixed.readUInt32LE(42);
  let needUncompressed = uncompressedSize === UINT32_MAX;
  let needCompressed = compressedSize === UINT32_MAX;
  let needOffset = headerOffset === UINT32_MAX;
  if (needUncompressed || needCompressed || needOffset) {
    const extra = variable.subarray(nameLength, nameLength + extraLength);
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
        uncompressedSize = toNumber(v);
      }
      if (needCompressed) {
        needCompressed = false;
        const v = next();
        if (v === undefined) return { failure: "format" };
        compressedSize = toNumber(v);
      }
      if (needOffset) {
        needOffset = false;
        const v = next();
        if (v === undefined) return { failure: "format" };
        headerOffset = BigInt.asIntN(64, v) < 0n ? -1 : toNumber(v);
      }
    }
  }
  // Go accepts an uncompressed size of 2^32-1 without zip64 (42.zip), but not the other two.
  if (needCompressed || needOffset) return { failure: "format" };
  const creatorVersion = fixed.readUInt16LE(4);
  const externalAttributes = fixed.readUInt32LE(38);
  return {
    entry: {
      index: 0,
      name,
      displayName: binaryToText(name),
      creatorVersion,
      flags: fixed.readUInt16LE(8),
      method: fixed.readUInt16LE(10),
      crc32: fixed.readUInt32LE(16),
      compressedSize,
      uncompressedSize,
      externalAttributes,
      headerOffset,
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

/**
 * Go's findSignatureInBlock: the last end-record signature in the block, or -1 when there is none or
 * its comment length runs past the end of the file. Go 1.21.11 and 1.22.4 (golang.org/issue/66869,
 * CVE-2024-24789) stopped skipping such a record to look further back, so a zip whose comment hides
 * a second end record is refused; the gateway's go.mod asks for those versions or later.
 */
function findEndRecord(block: Buffer): number | "truncated-comment" {
  for (let i = block.length - EOCD_LENGTH; i >= 0; i--) {
    if (block.readUInt32LE(i) !== EOCD_SIGNATURE) continue;
    return block.readUInt16LE(i + EOCD_LENGTH - 2) + EOCD_LENGTH + i <= block.length ? i : "truncated-comment";
  }
  return -1;
}

/** Entries read in one piece (and inflated in one call) rather than streamed. */
function isSmall(entry: ZipEntryHeader): boolean {
  return entry.compressedSize <= SMALL_ENTRY && entry.uncompressedSize <= SMALL_ENTRY * 16;
}

function tooMuchData(entry: ZipEntryHeader): ZipReadError {
  return new ZipReadError("size-mismatch", `"${entry.displayName}" holds more data than the ${entry.uncompressedSize} bytes its header declares`, "zip: not a valid zip file");
}

/** An error met while reading an entry's data, as Go's reader reports it. */
function dataError(entry: ZipEntryHeader, err: unknown): unknown {
  if (err instanceof ZipReadError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ERR_BUFFER_TOO_LARGE") return tooMuchData(entry);
  if (code === "Z_BUF_ERROR") return new ZipReadError("truncated", `"${entry.displayName}" is cut short: its compressed data ends early`, "unexpected EOF");
  if (code?.startsWith("Z_")) {
    return new ZipReadError("corrupt-data", `"${entry.displayName}" has corrupt compressed data (${(err as Error).message})`, "flate: corrupt input");
  }
  return err;
}

/**
 * A small entry's data in one synchronous call, into a buffer of its declared size (capped just
 * above it, so a lying header cannot make it large).
 */
function inflateSmall(entry: ZipEntryHeader, compressed: Buffer): Buffer {
  if (entry.method === METHOD_STORE) return compressed;
  const outputSize = entry.uncompressedSize + 1;
  return zlib.inflateRawSync(compressed, { maxOutputLength: outputSize, chunkSize: Math.max(outputSize, zlib.constants.Z_MIN_CHUNK) });
}

/** Go's readDataDescriptor: the CRC-32 a data descriptor holds, with or without the optional signature. */
function dataDescriptorCrc(bytes: Buffer): number | undefined {
  if (bytes.length < 4) return undefined;
  const signed = bytes.readUInt32LE(0) === DATA_DESCRIPTOR_SIGNATURE;
  const needed = signed ? 16 : 12;
  if (bytes.length < needed) return undefined;
  return signed ? bytes.readUInt32LE(4) : bytes.readUInt32LE(0);
}

/**
 * The checks Go's reader makes at the end of an entry's data: its size, the data descriptor
 * (`descriptor`: the bytes after the data, read when the entry is flagged as having one), the CRC-32.
 */
function checkEnd(entry: ZipEntryHeader, read: number, crc: number, descriptor: Buffer | undefined): void {
  if (read !== entry.uncompressedSize) {
    const marker = entry.uncompressedSize === UINT32_MAX ? " (0xFFFFFFFF, zip64's marker, but the entry has no zip64 size record)" : "";
    throw new ZipReadError("truncated", `"${entry.displayName}" has ${read} bytes of data, but its header declares ${entry.uncompressedSize}${marker}`, "unexpected EOF");
  }
  const mismatch = () =>
    new ZipReadError("crc-mismatch", `"${entry.displayName}" fails its CRC-32 check: the data is damaged`, "zip: checksum error");
  if (entry.flags & 0x8) {
    const descriptorCrc = dataDescriptorCrc(descriptor ?? Buffer.alloc(0));
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

export class ZipArchive {
  /** Where each entry's data starts, once its local header passed openCheck (verify checks every header before reading any data). */
  private readonly dataStarts = new Map<number, number>();

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
      let source: ByteSource = new BlockSource(handle, size);
      if (size <= IN_MEMORY_MAX) {
        const bytes = await readFully(handle, 0, size);
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
    const known = this.dataStarts.get(entry.index);
    if (known !== undefined) return known;
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
    const start = entry.headerOffset + LOCAL_HEADER_LENGTH + header.readUInt16LE(26) + header.readUInt16LE(28);
    this.dataStarts.set(entry.index, start);
    return start;
  }

  /**
   * The entry's data, checked as Go's `File.Open` reader checks it while the gateway copies it out:
   * the local header, the method, the declared size (never more is read), the CRC-32 and the data
   * descriptor. Errors are ZipReadError. Stopping early (`break`) releases what the entry holds.
   */
  async openEntry(entry: ZipEntryHeader): Promise<AsyncGenerator<Buffer>> {
    return this.checkedData(entry, await this.openCheck(entry));
  }

  /**
   * Reads an entry's data with openEntry's checks, handing each chunk to `onChunk` and awaiting it.
   * Cheaper than iterating openEntry for the many small entries of a bundle: a small entry is one
   * read (usually served from the cached block) and one inflate call, with no generator in between.
   */
  async readEntry(entry: ZipEntryHeader, onChunk: (chunk: Buffer) => unknown): Promise<void> {
    const start = this.dataStarts.get(entry.index) ?? (await this.openCheck(entry));
    if (!isSmall(entry)) {
      for await (const chunk of this.checkedData(entry, start)) await onChunk(chunk);
      return;
    }
    const { compressed, descriptor } = await this.smallEntryBytes(entry, start);
    let data: Buffer;
    try {
      data = inflateSmall(entry, compressed);
    } catch (err) {
      throw dataError(entry, err);
    }
    if (data.length > entry.uncompressedSize) throw tooMuchData(entry);
    const crc = zlib.crc32(data);
    await onChunk(data);
    checkEnd(entry, data.length, crc, descriptor);
  }

  /** The entry's uncompressed bytes, streamed (or inflated in one call when small), checked as they pass. */
  private async *checkedData(entry: ZipEntryHeader, start: number): AsyncGenerator<Buffer> {
    let read = 0;
    let crc = 0;
    try {
      for await (const chunk of this.uncompressed(entry, start)) {
        read += chunk.length;
        if (read > entry.uncompressedSize) throw tooMuchData(entry);
        crc = zlib.crc32(chunk, crc);
        yield chunk;
      }
    } catch (err) {
      throw dataError(entry, err);
    }
    checkEnd(entry, read, crc, entry.flags & 0x8 ? await this.descriptorBytes(start + entry.compressedSize) : undefined);
  }

  /** Decompressed data, unchecked: in one piece when small, else through a zlib stream on the thread pool (which stops when the caller stops reading). */
  private async *uncompressed(entry: ZipEntryHeader, start: number): AsyncGenerator<Buffer> {
    if (isSmall(entry)) {
      yield inflateSmall(entry, (await this.smallEntryBytes(entry, start)).compressed);
      return;
    }
    if (entry.method === METHOD_STORE) {
      yield* this.readRange(start, entry.compressedSize);
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

  /**
   * A small entry's compressed bytes and, when it is flagged as having one, the data descriptor's
   * bytes after them: one read, usually served from memory.
   */
  private async smallEntryBytes(entry: ZipEntryHeader, start: number): Promise<{ compressed: Buffer; descriptor?: Buffer }> {
    // Like Go's section reader, the data stops at the end of the file.
    const available = Math.max(0, Math.min(entry.compressedSize, this.size - start));
    const flagged = (entry.flags & 0x8) !== 0;
    const descriptorLength = flagged ? Math.max(0, Math.min(DATA_DESCRIPTOR_LENGTH, this.size - start - entry.compressedSize)) : 0;
    const bytes = (await this.readAt(start, available + descriptorLength)) ?? Buffer.alloc(0);
    return { compressed: bytes.subarray(0, available), descriptor: flagged ? bytes.subarray(available) : undefined };
  }

  /** The bytes where a data descriptor would be: up to its size, fewer at the end of the file. */
  private async descriptorBytes(offset: number): Promise<Buffer> {
    const available = Math.max(0, Math.min(DATA_DESCRIPTOR_LENGTH, this.size - offset));
    return (await this.readAt(offset, available)) ?? Buffer.alloc(0);
  }

  /** Exactly `length` bytes at `offset`, or undefined when the file does not hold them (ReadAt's EOF). */
  private async readAt(offset: number, length: number): Promise<Buffer | undefined> {
    if (!(offset >= 0) || offset + length > this.size) return undefined;
    const bytes = await this.file.bytesAt(offset, length);
    return bytes.length === length ? bytes : undefined;
  }

  /** A window of the file in chunks; stops early at the end of the file, as Go's SectionReader does. */
  private async *readRange(start: number, length: number): AsyncGenerator<Buffer> {
    let position = start;
    const end = Math.min(start + length, this.size);
    while (position < end) {
      const chunk = await this.file.bytesAt(position, Math.min(READ_CHUNK, end - position));
      if (chunk.length === 0) return;
      position += chunk.length;
      yield chunk;
    }
  }
}

/** Go's readDirectoryEnd, returning the end record and the base offset (data prepended to the zip). */
async function readDirectoryEnd(file: ByteSource, size: number): Promise<{ end: DirectoryEnd; baseOffset: bigint }> {
  let block: Buffer | undefined;
  let endOffset = -1;
  let truncatedComment = false;
  for (const [i, wanted] of [1024, 65 * 1024].entries()) {
    const length = Math.min(wanted, size);
    const buf = await file.bytesAt(size - length, length);
    const p = findEndRecord(buf);
    if (typeof p === "number" && p >= 0) {
      block = buf.subarray(p);
      endOffset = size - length + p;
      break;
    }
    truncatedComment = p === "truncated-comment";
    if (i === 1 || length === size) break;
  }
  if (!block && truncatedComment) {
    throw notAZip(
      "the last end-of-central-directory signature in the file declares a comment longer than the bytes after it (a damaged comment, or one that hides a second end record); " +
        "Go's archive/zip refuses such a zip since Go 1.21.11 and 1.22.4, which the gateway is built with",
    );
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
      (await file.bytesAt(locatorOffset, ZIP64_LOCATOR_LENGTH)).copy(locator);
      const p = BigInt.asIntN(64, locator.readBigUInt64LE(8));
      if (locator.readUInt32LE(0) === ZIP64_LOCATOR_SIGNATURE && locator.readUInt32LE(4) === 0 && locator.readUInt32LE(16) === 1 && p >= 0n) {
        if (p + BigInt(ZIP64_EOCD_LENGTH) > BigInt(size)) throw notAZip("the zip64 end record lies outside the file");
        const record = Buffer.alloc(ZIP64_EOCD_LENGTH);
        (await file.bytesAt(Number(p), ZIP64_EOCD_LENGTH)).copy(record);
        if (record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) throw notAZip("the zip64 end record is damaged");
        end.records = record.readBigUInt64LE(32);
        end.size = record.readBigUInt64LE(40);
        end.offset = record.readBigUInt64LE(48);
        end.endOffset = p;
      }
    }
  }
  // Go refuses a directory size or offset that does not fit an int64.
  if (end.size > 0x7fffffffffffffffn || end.offset > 0x7fffffffffffffffn) throw notAZip("the zip64 end record declares a directory beyond any file size");
  let baseOffset = end.endOffset - end.size - end.offset;
  const directoryStart = baseOffset + end.offset;
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
  const reader = new SequentialReader(file, Number(baseOffset + end.offset), size);
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
    const { entry } = result;
    entry.index = entries.length;
    if (entry.headerOffset >= 0) entry.headerOffset += Number(baseOffset);
    entries.push(entry);
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
