/**
 * What a Go plugin (`go build -buildmode=plugin`) or a gateway binary was built from, read from the
 * ELF file alone: no Go toolchain at run time, and only positioned reads (see elf.ts).
 *
 * The facts are the ones Go's runtime uses when the gateway calls `plugin.Open`
 * (runtime/plugin.go, plugin_lastmoduleinit):
 * - the plugin's module data: its `pluginpath`, its exported symbols (`ptab`) and `pkghashes`, one
 *   entry per package it links with the hash the linker recorded (`linktimehash`) and a pointer to
 *   the symbol `go.link.pkghash.<package>` that the dynamic linker binds to the gateway's copy;
 * - the gateway's own `go.link.pkghash.<package>` symbols, exported in `.dynsym` by every Go binary
 *   that imports package plugin (they survive `strip`).
 * The Go and module versions come from `.go.buildinfo` for executables; plugins carry no build info
 * (cmd/link writes none for -buildmode=plugin), so for them they come from the DWARF sections when
 * the plugin was not built with `-ldflags=-w`.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createInflate } from "node:zlib";
import { ElfFile, ElfFormatError, ET_DYN, SHF_COMPRESSED, SHT_NOBITS, type ElfRelocation, type ElfSection, type ElfSymbol } from "./elf.js";

export const TYK_MODULE = "github.com/TykTechnologies/tyk";
// cmd/link names them go.link.pkghash.<package> up to Go 1.19 and go:link.pkghash.<package> since 1.20.
const PKGHASH = /^go[.:]link\.pkghash\.(.+)$/;
const pkghashPackage = (name: string | undefined): string | undefined => (name ? PKGHASH.exec(name)?.[1] : undefined);

export interface GoPackageHash {
  /** Import path, e.g. `github.com/TykTechnologies/tyk/ctx`. */
  path: string;
  /** The linker's fingerprint of the package, hex. */
  hash: string;
}

export interface GoPluginExport {
  /** The name `plugin.Lookup` takes (a hook's `name`). */
  name: string;
  kind: "func" | "var";
  /** Go's type string, e.g. `func(http.ResponseWriter, *http.Request)`, when the module data is readable. */
  type?: string;
}

export interface GoModule {
  path: string;
  version: string;
  /** A `replace` directive's target: a directory, or `path@version`. */
  replacedBy?: string;
}

export type GoFileKind = "go-plugin" | "go-executable" | "go-shared-library" | "shared-object" | "executable" | "other-elf" | "not-elf";

export interface GoFileFacts {
  file: string;
  size: number;
  kind: GoFileKind;
  goos?: string;
  goarch?: string;
  /** e.g. `go1.19.8`: from build info (executables) or the DWARF producer (plugins). */
  goVersion?: string;
  /** Plugins: the path `plugin.Open` compares to tell plugins apart ("plugin already loaded"). */
  pluginPath?: string;
  /** Plugins: the exported functions and variables of package main, the names hooks can use. */
  exports: GoPluginExport[];
  /** Plugins: every package in the order the runtime checks them. Executables: the packages a plugin can be checked against. */
  packages: GoPackageHash[];
  /** Executables: whether the binary can load Go plugins at all (it imports package plugin). */
  loadsPlugins?: boolean;
  /** Executables: the main module from build info (for the gateway, github.com/TykTechnologies/tyk). */
  mainModule?: GoModule;
  /** Executables: the source commit build info records (vcs.revision), when built from a checkout. */
  revision?: string;
  /** Module versions the file was built with: build info, or plugin source paths in DWARF. */
  modules: GoModule[];
  /** The version of github.com/TykTechnologies/tyk the file was built against, when it can be known. */
  tykVersion?: string;
  /** Things that could not be read, as sentences. */
  unknown: string[];
}

/** The facts plus what checking needs: the dynamic symbols, by name. */
export interface GoObject {
  facts: GoFileFacts;
  /** Package → hash for each `go.link.pkghash.<package>` this file defines in `.dynsym`. */
  provides: Map<string, string>;
  machine: number;
  is64: boolean;
  dev: number;
  ino: number;
}

const GOARCH: Record<number, (is64: boolean, le: boolean) => string> = {
  3: () => "386",
  8: (is64, le) => (is64 ? "mips64" : "mips") + (le ? "le" : ""),
  21: (_, le) => (le ? "ppc64le" : "ppc64"),
  22: () => "s390x",
  40: () => "arm",
  62: () => "amd64",
  183: () => "arm64",
  243: () => "riscv64",
  258: () => "loong64",
};

export async function inspectGoFile(file: string): Promise<GoFileFacts> {
  return (await readGoObject(file)).facts;
}

export async function readGoObject(file: string): Promise<GoObject> {
  const st = await stat(file);
  const facts: GoFileFacts = { file, size: st.size, kind: "not-elf", exports: [], packages: [], modules: [], unknown: [] };
  const base = { facts, provides: new Map<string, string>(), machine: 0, is64: true, dev: st.dev, ino: st.ino };
  let elf: ElfFile;
  try {
    elf = await ElfFile.open(file);
  } catch (err) {
    if (err instanceof ElfFormatError) {
      facts.unknown.push(err.reason === "not-elf" ? "not an ELF file: Go plugins for Linux are ELF shared objects" : err.message);
      return base;
    }
    throw err;
  }
  try {
    const obj = { ...base, machine: elf.machine, is64: elf.is64 };
    facts.goarch = GOARCH[elf.machine]?.(elf.is64, elf.littleEndian) ?? `unknown machine ${elf.machine}`;
    facts.goos = elf.osabi === 9 ? "freebsd" : "linux";
    const dynsym = await elf.symbols(".dynsym");
    const byName = new Map(dynsym.filter((s) => s.shndx !== 0).map((s) => [s.name, s]));
    const hashOf = async (pkg: string): Promise<string | undefined> => {
      const bytes = byName.get(`go:link.pkghashbytes.${pkg}`) ?? byName.get(`go.link.pkghashbytes.${pkg}`);
      return bytes ? (await elf.readAddress(bytes.value, bytes.size))?.toString("hex") : undefined;
    };
    for (const s of byName.values()) {
      const pkg = pkghashPackage(s.name);
      if (pkg !== undefined) {
        const hash = await hashOf(pkg);
        if (hash !== undefined) obj.provides.set(pkg, hash);
      }
    }
    const pkghashes = await pluginPackageHashes(elf, dynsym);
    if (pkghashes) {
      facts.kind = "go-plugin";
      for (const entry of pkghashes.entries) facts.packages.push({ path: entry.path, hash: (await hashOf(entry.path)) ?? entry.linkHash ?? "" });
      const md = await readPluginModuleData(elf, pkghashes.relocs, pkghashes.address, pkghashes.entries.length);
      if (md) {
        facts.pluginPath = md.pluginPath;
        facts.exports = md.exports;
      } else {
        facts.unknown.push("the plugin's module data could not be located, so its plugin path and exported symbols are not known");
      }
      const dwarf = await readDwarfFacts(elf, file);
      if (dwarf.goVersion) facts.goVersion = dwarf.goVersion;
      facts.modules = dwarf.modules;
      if (!dwarf.present) facts.unknown.push("the plugin has no DWARF sections (built with -ldflags=-w or stripped), so its Go version and module versions are not known");
    } else {
      const info = await readBuildInfo(elf);
      const isGo = info !== undefined || obj.provides.size > 0;
      const program = await elf.isProgram();
      facts.kind =
        program ? (isGo ? "go-executable" : "executable")
        : elf.type === ET_DYN ? (isGo ? "go-shared-library" : "shared-object")
        : "other-elf";
      if (info) {
        facts.goVersion = info.goVersion;
        facts.mainModule = info.main;
        facts.modules = info.deps;
        if (info.settings["vcs.revision"]) facts.revision = info.settings["vcs.revision"];
        if (info.settings.GOOS) facts.goos = info.settings.GOOS;
        if (info.settings.GOARCH) facts.goarch = info.settings.GOARCH;
      }
      if (isGo) {
        facts.loadsPlugins = obj.provides.size > 0;
        facts.packages = [...obj.provides].map(([path, hash]) => ({ path, hash })).sort((a, b) => a.path.localeCompare(b.path));
      }
    }
    const tyk = facts.mainModule?.path === TYK_MODULE ? facts.mainModule : facts.modules.find((m) => m.path === TYK_MODULE);
    if (tyk && tyk.version !== "(devel)") facts.tykVersion = tyk.replacedBy ? `${tyk.version} (replaced by ${tyk.replacedBy})` : tyk.version;
    return obj;
  } finally {
    await elf.close();
  }
}

interface PkgHashEntry {
  path: string;
  linkHash?: string;
}

/**
 * The plugin's `pkghashes` in the runtime's order, found without `.symtab`: each entry's
 * `runtimehash` field carries a dynamic relocation against `go.link.pkghash.<package>`, so the
 * relocations sorted by address are the entries in order (cmd/link/internal/ld/symtab.go writes
 * them as {modulename string, linktimehash string, runtimehash *string}).
 */
async function pluginPackageHashes(elf: ElfFile, dynsym: ElfSymbol[]): Promise<{ address: number; entries: PkgHashEntry[]; relocs: ElfRelocation[] } | undefined> {
  const all = await elf.dynamicRelocations();
  const relocs = all.filter((r) => pkghashPackage(dynsym[r.symbol - 1]?.name) !== undefined).sort((a, b) => a.offset - b.offset);
  if (relocs.length === 0) return undefined;
  const p = elf.pointerSize;
  const stride = 5 * p;
  const address = relocs[0]!.offset - 4 * p;
  if (!relocs.every((r, i) => r.offset === address + 4 * p + i * stride)) return undefined;
  const table = await elf.readAddress(address, relocs.length * stride);
  const entries: PkgHashEntry[] = [];
  for (const [i, r] of relocs.entries()) {
    const entry: PkgHashEntry = { path: pkghashPackage(dynsym[r.symbol - 1]!.name)! };
    if (table) {
      const at = i * stride + 2 * p;
      const bytes = await elf.readAddress(elf.word(table, at), elf.word(table, at + p));
      if (bytes) entry.linkHash = bytes.toString("hex");
    }
    entries.push(entry);
  }
  return { address, entries, relocs: all };
}

/** How many words of runtime.moduledata before `pkghashes` are read: `types` and `ptab` are among them. */
const MODULEDATA_WINDOW = 48;

/**
 * The plugin's runtime.moduledata, found by its `pkghashes` slice header ({address, n, n}); the
 * fields before it are, in every Go release with plugins, `ptab []ptabEntry` and `pluginpath string`.
 * In a shared object the header's pointer carries a RELATIVE relocation whose addend is the array's
 * address, which finds it without reading the data sections; otherwise they are scanned in chunks.
 */
async function readPluginModuleData(
  elf: ElfFile,
  relocs: ElfRelocation[],
  pkghashes: number,
  count: number,
): Promise<{ pluginPath: string; exports: GoPluginExport[] } | undefined> {
  const p = elf.pointerSize;
  const span = MODULEDATA_WINDOW * p;
  const matches = (b: Buffer, o: number) => elf.word(b, o) === pkghashes && elf.word(b, o + p) === count && elf.word(b, o + 2 * p) === count;
  // A linker may leave a RELATIVE slot zero and keep the value in the relocation's addend only.
  const relative = new Map(relocs.flatMap((r) => (r.symbol === 0 && r.addend !== undefined ? [[r.offset, r.addend] as const] : [])));
  const fromWindow = async (start: number): Promise<{ pluginPath: string; exports: GoPluginExport[] } | undefined> => {
    const window = await elf.readAddress(start, span + 3 * p);
    if (!window) return undefined;
    for (let o = 0; o < window.length; o += p) {
      const addend = relative.get(start + o);
      if (addend === undefined) continue;
      if (p === 8) elf.littleEndian ? window.writeBigUInt64LE(BigInt(addend), o) : window.writeBigUInt64BE(BigInt(addend), o);
      else elf.littleEndian ? window.writeUInt32LE(addend, o) : window.writeUInt32BE(addend, o);
    }
    if (!matches(window, span)) return undefined;
    const pathBytes = await elf.readAddress(elf.word(window, span - 2 * p), elf.word(window, span - p));
    if (!pathBytes) return undefined;
    const exports = await readPtab(elf, window, span - 5 * p, { address: elf.word(window, span - 5 * p), length: elf.word(window, span - 4 * p) });
    return { pluginPath: pathBytes.toString("utf8"), exports };
  };
  for (const r of relocs) {
    if (r.symbol !== 0 || r.addend !== pkghashes) continue;
    const found = await fromWindow(r.offset - span);
    if (found) return found;
  }
  const CHUNK = 1024 * 1024;
  for (const name of [".noptrdata", ".data", ".data.rel.ro"]) {
    const section = elf.section(name);
    if (!section || section.type === SHT_NOBITS) continue;
    for (let start = 0; start < section.size; start += CHUNK) {
      const chunk = await elf.read(section.offset + start, Math.min(CHUNK + 3 * p, section.size - start));
      for (let o = 0; o + 3 * p <= chunk.length; o += p) {
        if (!matches(chunk, o) || start + o < span) continue;
        const found = await fromWindow(section.addr + start + o - span);
        if (found) return found;
      }
    }
  }
  return undefined;
}

async function readPtab(elf: ElfFile, md: Buffer, ptabField: number, ptab: { address: number; length: number }): Promise<GoPluginExport[]> {
  if (ptab.length === 0) return [];
  const entries = await elf.readAddress(ptab.address, ptab.length * 8);
  if (!entries) return [];
  const p = elf.pointerSize;
  // `types` sits some fields before ptab (its distance differs between Go releases): the first
  // word that starts a section and decodes every ptab name is it.
  for (let o = ptabField - p; o >= Math.max(0, ptabField - 40 * p); o -= p) {
    const types = elf.word(md, o);
    const section = elf.sectionAt(types);
    if (!section || section.addr !== types) continue;
    const out: GoPluginExport[] = [];
    for (let i = 0; i < ptab.length; i++) {
      const name = await readGoName(elf, types + elf.u32(entries, i * 8));
      if (!name || !/^\p{Lu}[\p{L}\p{N}_]*$/u.test(name)) break;
      const type = await readGoType(elf, types, types + elf.u32(entries, i * 8 + 4));
      out.push({ name, kind: type?.kind === 19 ? "func" : "var", ...(type && { type: type.text }) });
    }
    if (out.length === ptab.length) return out.sort((a, b) => a.name.localeCompare(b.name));
  }
  return [];
}

/** runtime.name: a flag byte, the length as a uvarint (Go ≥ 1.17), the bytes. */
async function readGoName(elf: ElfFile, addr: number): Promise<string | undefined> {
  const head = await elf.readAddress(addr, 11);
  if (!head) return undefined;
  let length = 0;
  let i = 1;
  for (let shift = 0; i < head.length; i++, shift += 7) {
    length += (head[i]! & 0x7f) * 2 ** shift;
    if (head[i]! < 0x80) break;
  }
  if (length === 0 || length > 4096) return undefined;
  return (await elf.readAddress(addr + i + 1, length))?.toString("utf8");
}

/** runtime._type: the kind byte and the type's string (minus the extra '*' tflagExtraStar adds). */
async function readGoType(elf: ElfFile, types: number, addr: number): Promise<{ kind: number; text: string } | undefined> {
  const p = elf.pointerSize;
  const tflagAt = 2 * p + 4;
  const strAt = 2 * p + 8 + 2 * p;
  const raw = await elf.readAddress(addr, strAt + 4);
  if (!raw) return undefined;
  const text = await readGoName(elf, types + elf.u32(raw, strAt));
  if (text === undefined) return undefined;
  return { kind: raw[tflagAt + 3]! & 31, text: raw[tflagAt]! & 2 ? text.slice(1) : text };
}

interface BuildInfo {
  goVersion: string;
  main?: GoModule;
  deps: GoModule[];
  settings: Record<string, string>;
}

const BUILDINFO_MAGIC = Buffer.from("\xff Go buildinf:", "latin1");

/** debug/buildinfo's format: a 32-byte header, then either inline varint strings (Go ≥ 1.18) or pointers to string headers. */
async function readBuildInfo(elf: ElfFile): Promise<BuildInfo | undefined> {
  const section = elf.section(".go.buildinfo");
  if (!section) return undefined;
  const head = await elf.read(section.offset, Math.min(section.size, 64 * 1024));
  if (head.length < 32 || !head.subarray(0, 14).equals(BUILDINFO_MAGIC)) return undefined;
  const flags = head[15]!;
  let version: string | undefined;
  let modinfo: string | undefined;
  if (flags & 2) {
    const [v, next] = varintString(head, 32);
    version = v;
    modinfo = varintString(head, next)[0];
  } else {
    const p = head[14]!;
    const readString = async (ptr: number) => {
      const header = await elf.readAddress(ptr, 2 * p);
      return header ? (await elf.readAddress(elf.word(header, 0), elf.word(header, p)))?.toString("utf8") : undefined;
    };
    version = await readString(elf.word(head, 16));
    modinfo = await readString(elf.word(head, 16 + p));
  }
  if (!version) return undefined;
  // modinfo is wrapped in 16-byte sentinels.
  if (modinfo && modinfo.length >= 33 && modinfo[modinfo.length - 17] === "\n") modinfo = modinfo.slice(16, -16);
  const info: BuildInfo = { goVersion: version, deps: [], settings: {} };
  let last: GoModule | undefined;
  for (const line of (modinfo ?? "").split("\n")) {
    const [tag, a = "", b = ""] = line.split("\t");
    if (tag === "mod") info.main = last = { path: a, version: b };
    else if (tag === "dep") info.deps.push((last = { path: a, version: b }));
    else if (tag === "=>" && last) last.replacedBy = b && b !== "(devel)" ? `${a}@${b}` : a;
    else if (tag === "build") {
      const eq = a.indexOf("=");
      if (eq > 0) info.settings[a.slice(0, eq)] = a.slice(eq + 1);
    }
  }
  return info;
}

function varintString(b: Buffer, at: number): [string, number] {
  let length = 0;
  let i = at;
  for (let shift = 0; i < b.length; i++, shift += 7) {
    length += (b[i]! & 0x7f) * 2 ** shift;
    if (b[i]! < 0x80) break;
  }
  const start = i + 1;
  return [b.toString("utf8", start, Math.min(b.length, start + length)), start + length];
}

// "Go cmd/compile go1.19.8; regabi": the DW_AT_producer of each compile unit.
const PRODUCER = /Go cmd\/compile (go[0-9][^;\s\0]*)/;
// Source paths from the module cache (…/pkg/mod/<escaped path>@<version>/…) or -trimpath (<path>@<version>/…).
const MODULE_DIR = /([A-Za-z0-9.!_~+-]+(?:\/[A-Za-z0-9.!_~+-]+)*)@(v\d+\.\d+\.\d+[A-Za-z0-9.+-]*)\//g;

async function readDwarfFacts(elf: ElfFile, file: string): Promise<{ present: boolean; goVersion?: string; modules: GoModule[] }> {
  const info = elf.section(".debug_info") ?? elf.section(".zdebug_info");
  const line = elf.section(".debug_line") ?? elf.section(".zdebug_line");
  const result: { present: boolean; goVersion?: string; modules: GoModule[] } = { present: info !== undefined, modules: [] };
  if (info) {
    await scanSection(elf, file, info, (text) => {
      const m = PRODUCER.exec(text);
      if (m) result.goVersion = m[1];
      return m !== null;
    });
  }
  if (line) {
    const seen = new Map<string, string>();
    await scanSection(elf, file, line, (text) => {
      for (const m of text.matchAll(MODULE_DIR)) {
        const raw = m[1]!;
        const cut = raw.lastIndexOf("pkg/mod/");
        const modulePath = (cut >= 0 ? raw.slice(cut + 8) : raw).replace(/!([a-z])/g, (_, c: string) => c.toUpperCase());
        if (/^[a-z0-9-]+(\.[a-z0-9-]+)+\//.test(modulePath) && !seen.has(modulePath)) seen.set(modulePath, m[2]!);
      }
      return false;
    });
    result.modules = [...seen].map(([path, version]) => ({ path, version })).sort((a, b) => a.path.localeCompare(b.path));
  }
  return result;
}

/**
 * Streams a (possibly zlib-compressed) section through `visit` in chunks, with an overlap so a
 * match across a chunk boundary is not lost; stops when `visit` returns true. Memory stays at a
 * chunk, whatever the section's size.
 */
async function scanSection(elf: ElfFile, file: string, section: ElfSection, visit: (text: string) => boolean): Promise<void> {
  let start = section.offset;
  let compressed = false;
  if (section.flags & SHF_COMPRESSED) {
    const header = await elf.read(section.offset, elf.is64 ? 24 : 12);
    if (elf.u32(header, 0) !== 1) return; // only ELFCOMPRESS_ZLIB
    start += header.length;
    compressed = true;
  } else if (section.name.startsWith(".zdebug")) {
    start += 12; // "ZLIB" + 8-byte size
    compressed = true;
  }
  if (section.size === 0 || start >= section.offset + section.size) return;
  const raw = createReadStream(file, { start, end: section.offset + section.size - 1, highWaterMark: 256 * 1024 });
  const stream = compressed ? raw.pipe(createInflate()) : raw;
  let carry = "";
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = carry + chunk.toString("latin1");
      if (visit(text)) break;
      carry = text.slice(-512);
    }
  } catch {
    // A damaged debug section only costs the facts it would have given.
  } finally {
    raw.destroy();
    if (stream !== raw) stream.destroy();
  }
}
