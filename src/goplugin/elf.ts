/**
 * A small ELF reader for Go plugins and gateway binaries. Every read is positioned (`fh.read` at an
 * offset), so a 100 MB `.so` costs its section headers, symbol tables and the few bytes asked for,
 * never the whole file. 32/64-bit and both byte orders, since Go builds plugins for linux/386, arm,
 * arm64, amd64, ppc64le and s390x.
 */
import { open, type FileHandle } from "node:fs/promises";

const ET_EXEC = 2;
export const ET_DYN = 3;
const SHT_SYMTAB = 2;
const SHT_RELA = 4;
export const SHT_NOBITS = 8;
const SHT_REL = 9;
const SHT_DYNAMIC = 6;
const DT_FLAGS_1 = 0x6ffffffb;
const DF_1_PIE = 0x08000000;
const SHT_DYNSYM = 11;
export const SHF_COMPRESSED = 0x800;

/** The largest table tyk-ts reads in one piece: bigger than any real symbol table, small enough to hold. */
const TABLE_LIMIT = 512 * 1024 * 1024;

export interface ElfSection {
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  entsize: number;
}

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  /** STT_* */
  type: number;
  shndx: number;
}

export interface ElfRelocation {
  offset: number;
  /** Index into the symbol table the relocation section links to; 0 for none (RELATIVE). */
  symbol: number;
  type: number;
  /** RELA only: the value the slot receives (plus the load address, for RELATIVE). */
  addend?: number;
}

export class ElfFormatError extends Error {
  constructor(readonly reason: "not-elf" | "truncated" | "too-large", message: string) {
    super(message);
  }
}

export class ElfFile {
  private constructor(
    private readonly fh: FileHandle,
    readonly fileSize: number,
    readonly is64: boolean,
    readonly littleEndian: boolean,
    /** ET_EXEC, ET_DYN, … */
    readonly type: number,
    /** EM_* */
    readonly machine: number,
    readonly osabi: number,
    readonly sections: ElfSection[],
  ) {}

  get pointerSize(): 4 | 8 {
    return this.is64 ? 8 : 4;
  }

  static async open(file: string): Promise<ElfFile> {
    const fh = await open(file, "r");
    try {
      const { size } = await fh.stat();
      const ident = await readAt(fh, 0, Math.min(64, size));
      if (ident.length < 52 || ident.readUInt32BE(0) !== 0x7f454c46) throw new ElfFormatError("not-elf", "not an ELF file");
      const is64 = ident[4] === 2;
      const le = ident[5] !== 2;
      const u16 = (o: number) => (le ? ident.readUInt16LE(o) : ident.readUInt16BE(o));
      const word = (o: number) => (is64 ? readU64(ident, o, le) : le ? ident.readUInt32LE(o) : ident.readUInt32BE(o));
      const shoff = word(is64 ? 0x28 : 0x20);
      const [shentsize, shnum, shstrndx] = is64 ? [u16(0x3a), u16(0x3c), u16(0x3e)] : [u16(0x2e), u16(0x30), u16(0x32)];
      if (shoff === 0 || shnum === 0) throw new ElfFormatError("truncated", "the ELF file has no section headers");
      if (shoff + shnum * shentsize > size) throw new ElfFormatError("truncated", "the section header table lies past the end of the file (truncated download?)");
      const table = await readAt(fh, shoff, shnum * shentsize);
      const raw = Array.from({ length: shnum }, (_, i) => parseSection(table, i * shentsize, is64, le));
      const names = raw[shstrndx];
      const strtab = names && names.type !== SHT_NOBITS && names.offset + names.size <= size ? await readAt(fh, names.offset, names.size) : Buffer.alloc(0);
      const sections = raw.map((s) => ({ ...s, name: cString(strtab, s.nameOffset) }));
      return new ElfFile(fh, size, is64, le, u16(16), u16(18), ident[7]!, sections);
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  close(): Promise<void> {
    return this.fh.close();
  }

  section(name: string): ElfSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** A section's bytes as stored in the file (still compressed when SHF_COMPRESSED). */
  async sectionBytes(section: ElfSection, limit = TABLE_LIMIT): Promise<Buffer> {
    if (section.type === SHT_NOBITS) return Buffer.alloc(0);
    if (section.size > limit) throw new ElfFormatError("too-large", `section ${section.name} is ${section.size} bytes, more than tyk-ts reads`);
    if (section.offset + section.size > this.fileSize) throw new ElfFormatError("truncated", `section ${section.name} lies past the end of the file`);
    return readAt(this.fh, section.offset, section.size);
  }

  async read(offset: number, length: number): Promise<Buffer> {
    return readAt(this.fh, offset, Math.max(0, Math.min(length, this.fileSize - offset)));
  }

  /** Bytes at a virtual address, or undefined when no section in the file holds them. */
  async readAddress(addr: number, length: number): Promise<Buffer | undefined> {
    const s = this.sections.find((x) => x.addr !== 0 && x.type !== SHT_NOBITS && addr >= x.addr && addr + length <= x.addr + x.size);
    return s ? this.read(s.offset + (addr - s.addr), length) : undefined;
  }

  sectionAt(addr: number): ElfSection | undefined {
    return this.sections.find((x) => x.addr !== 0 && addr >= x.addr && addr < x.addr + x.size);
  }

  /** `.dynsym` (what the dynamic linker sees) or `.symtab` (gone from stripped files). */
  async symbols(which: ".dynsym" | ".symtab"): Promise<ElfSymbol[]> {
    const section = this.sections.find((s) => s.name === which && (s.type === SHT_DYNSYM || s.type === SHT_SYMTAB));
    if (!section) return [];
    const strings = this.sections[section.link];
    const [data, names] = await Promise.all([this.sectionBytes(section), strings ? this.sectionBytes(strings) : Buffer.alloc(0)]);
    const entsize = section.entsize || (this.is64 ? 24 : 16);
    const out: ElfSymbol[] = [];
    for (let o = entsize; o + entsize <= data.length; o += entsize) {
      const nameOffset = this.u32(data, o);
      const [info, shndx, value, size] = this.is64
        ? [data[o + 4]!, this.u16(data, o + 6), readU64(data, o + 8, this.littleEndian), readU64(data, o + 16, this.littleEndian)]
        : [data[o + 12]!, this.u16(data, o + 14), this.u32(data, o + 4), this.u32(data, o + 8)];
      out.push({ name: cString(names, nameOffset), value, size, type: info & 0xf, shndx });
    }
    return out;
  }

  /**
   * Whether glibc's dlopen refuses the file as a program: ET_EXEC ("cannot dynamically load
   * executable") or ET_DYN marked DF_1_PIE in DT_FLAGS_1 ("… position-independent executable").
   */
  async isProgram(): Promise<boolean> {
    if (this.type === ET_EXEC) return true;
    const dynamic = this.sections.find((s) => s.type === SHT_DYNAMIC);
    if (!dynamic) return false;
    const data = await this.sectionBytes(dynamic);
    const step = this.is64 ? 16 : 8;
    for (let o = 0; o + step <= data.length; o += step) {
      const tag = this.word(data, o);
      if (tag === 0) break;
      if (tag === DT_FLAGS_1) return (this.word(data, o + step / 2) & DF_1_PIE) !== 0;
    }
    return false;
  }

  /** Dynamic relocations (`.rela.dyn` / `.rel.dyn`) that name a `.dynsym` symbol. */
  async dynamicRelocations(): Promise<ElfRelocation[]> {
    const dynsymIndex = this.sections.findIndex((s) => s.type === SHT_DYNSYM);
    const out: ElfRelocation[] = [];
    for (const section of this.sections) {
      if ((section.type !== SHT_RELA && section.type !== SHT_REL) || section.link !== dynsymIndex) continue;
      const data = await this.sectionBytes(section);
      const entsize = section.entsize || (this.is64 ? (section.type === SHT_RELA ? 24 : 16) : section.type === SHT_RELA ? 12 : 8);
      for (let o = 0; o + entsize <= data.length; o += entsize) {
        const rela = section.type === SHT_RELA;
        if (this.is64) {
          const info = readU64(data, o + 8, this.littleEndian);
          const addend = rela ? Number(this.littleEndian ? data.readBigInt64LE(o + 16) : data.readBigInt64BE(o + 16)) : undefined;
          out.push({ offset: readU64(data, o, this.littleEndian), symbol: Math.floor(info / 2 ** 32), type: info % 2 ** 32, ...(addend !== undefined && { addend }) });
        } else {
          const info = this.u32(data, o + 4);
          out.push({ offset: this.u32(data, o), symbol: info >>> 8, type: info & 0xff, ...(rela && { addend: data.readInt32LE(o + 8) }) });
        }
      }
    }
    return out;
  }

  u16(b: Buffer, o: number): number {
    return this.littleEndian ? b.readUInt16LE(o) : b.readUInt16BE(o);
  }

  u32(b: Buffer, o: number): number {
    return this.littleEndian ? b.readUInt32LE(o) : b.readUInt32BE(o);
  }

  /** A pointer-sized word. */
  word(b: Buffer, o: number): number {
    return this.is64 ? readU64(b, o, this.littleEndian) : this.u32(b, o);
  }
}

interface RawSection extends Omit<ElfSection, "name"> {
  nameOffset: number;
}

function parseSection(b: Buffer, o: number, is64: boolean, le: boolean): RawSection {
  const u32 = (x: number) => (le ? b.readUInt32LE(x) : b.readUInt32BE(x));
  if (is64) {
    return {
      nameOffset: u32(o),
      type: u32(o + 4),
      flags: readU64(b, o + 8, le),
      addr: readU64(b, o + 16, le),
      offset: readU64(b, o + 24, le),
      size: readU64(b, o + 32, le),
      link: u32(o + 40),
      entsize: readU64(b, o + 56, le),
    };
  }
  return { nameOffset: u32(o), type: u32(o + 4), flags: u32(o + 8), addr: u32(o + 12), offset: u32(o + 16), size: u32(o + 20), link: u32(o + 24), entsize: u32(o + 36) };
}

/** 64-bit values as numbers: addresses and sizes in real files stay far below 2^53. */
export function readU64(b: Buffer, o: number, le: boolean): number {
  return Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
}

function cString(b: Buffer, o: number): string {
  if (o >= b.length) return "";
  const end = b.indexOf(0, o);
  return b.toString("utf8", o, end < 0 ? b.length : end);
}

async function readAt(fh: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, offset + done);
    if (bytesRead === 0) throw new ElfFormatError("truncated", `the file ends before byte ${offset + length}`);
    done += bytesRead;
  }
  return buf;
}
