/**
 * Hand-built zips for tests: every header field can be set or broken on purpose (names the writers
 * refuse, directory attributes, methods, CRCs, sizes, data descriptors, prepended data), written from
 * the zip specification without sharing code with tyk-ts's reader or writer.
 */
import { deflateRawSync } from "node:zlib";
import zlib from "node:zlib";

export interface RawEntry {
  /** A string (UTF-8) or the exact name bytes. */
  name: string | Buffer;
  data?: Buffer | string;
  /** Sets the Unix directory mode and the MS-DOS directory attribute. */
  directory?: boolean;
  /** 0 store, 8 deflate (default), anything else is written as stored data with that method number. */
  method?: number;
  /** "Version made by" high byte: 3 Unix (default), 0 FAT, 11 NTFS, 14 VFAT. */
  creator?: number;
  externalAttributes?: number;
  /** Override the CRC-32 written in both headers. */
  crc?: number;
  /** Override the uncompressed size written in both headers. */
  uncompressedSize?: number;
  /** Write sizes and CRC after the data (general purpose flag bit 3), with the optional signature. */
  dataDescriptor?: boolean;
  /** Override the CRC written in the data descriptor. */
  descriptorCrc?: number;
  /** Set general purpose flag bit 3 (data descriptor follows) but write no descriptor. */
  descriptorFlagOnly?: boolean;
  /** Override the local header offset written in the central directory. */
  headerOffset?: number;
}

export interface ZipOptions {
  /** Bytes before the zip (a self-extractor stub); offsets stay relative to the zip itself. */
  prepend?: Buffer;
  /** Override the entry count in the end record. */
  entryCount?: number;
  /** Append bytes after the end record (without declaring them as a comment). */
  append?: Buffer;
}

export function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}

export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

export function buildZip(entries: RawEntry[], options: ZipOptions = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = typeof e.name === "string" ? Buffer.from(e.name, "utf8") : e.name;
    const data = typeof e.data === "string" ? Buffer.from(e.data) : (e.data ?? Buffer.alloc(0));
    const method = e.method ?? (e.directory ? 0 : 8);
    const body = method === 8 ? deflateRawSync(data) : data;
    const crc = e.crc ?? zlib.crc32(data);
    const size = e.uncompressedSize ?? data.length;
    const flags = (e.dataDescriptor || e.descriptorFlagOnly ? 0x8 : 0) | (typeof e.name === "string" ? 0x800 : 0);
    const creator = e.creator ?? 3;
    const attrs = e.externalAttributes ?? (e.directory ? ((0o40755 << 16) | 0x10) >>> 0 : (0o100644 << 16) >>> 0);
    const headerCrc = e.dataDescriptor ? 0 : crc;
    const headerSizes = e.dataDescriptor ? [0, 0] : [body.length, size];
    const local = Buffer.concat([
      u32(0x04034b50), u16(20), u16(flags), u16(method), u16(0), u16(0x21), u32(headerCrc),
      u32(headerSizes[0]!), u32(headerSizes[1]!), u16(name.length), u16(0), name,
    ]);
    const descriptor = e.dataDescriptor ? Buffer.concat([u32(0x08074b50), u32(e.descriptorCrc ?? crc), u32(body.length), u32(size)]) : Buffer.alloc(0);
    locals.push(local, body, descriptor);
    centrals.push(
      Buffer.concat([
        u32(0x02014b50), u16((creator << 8) | 20), u16(20), u16(flags), u16(method), u16(0), u16(0x21), u32(crc),
        u32(body.length), u32(size), u16(name.length), u16(0), u16(0), u16(0), u16(0), u32(attrs), u32(e.headerOffset ?? offset), name,
      ]),
    );
    offset += local.length + body.length + descriptor.length;
  }
  const central = Buffer.concat(centrals);
  const count = options.entryCount ?? entries.length;
  const end = Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(count), u16(count), u32(central.length), u32(offset), u16(0)]);
  return Buffer.concat([options.prepend ?? Buffer.alloc(0), ...locals, central, end, options.append ?? Buffer.alloc(0)]);
}
