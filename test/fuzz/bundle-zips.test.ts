/**
 * Hostile zips for `bundle verify` and `bundle inspect`, in-process: byte-level mutations of valid
 * bundles (truncation, bit flips, header fields overwritten with boundary values, spliced and
 * duplicated ranges, garbage around the zip) and hand-made archives (zip64, data descriptors,
 * duplicate, huge, deep, Unicode and odd names, bombs). Each must give a report or a typed error,
 * never a crash, a hang or a memory climb; and where Go's archive/zip decides, tyk-ts must agree
 * with the reference loader built on it.
 */
import { execFileSync } from "node:child_process";
import { createHash, createPrivateKey, sign, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { deflateRawSync } from "node:zlib";
import zlib from "node:zlib";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { buildBundle } from "../../src/bundle/build.js";
import { inspectBundle } from "../../src/bundle/inspect.js";
import { verifyBundle, type BundleReport } from "../../src/bundle/verify.js";
import { TykTsError } from "../../src/errors.js";
import { hasGo, referenceVerdict } from "../helpers/independent.js";
import { writeTestKeys } from "../helpers/keys.js";
import { tempDir } from "../helpers/tmp.js";
import { buildZip, type RawEntry, u16, u32 } from "../helpers/zip-builder.js";
import { checkProperty, testTimeoutMs } from "./budget.js";

const SIGNATURES = { local: 0x04034b50, central: 0x02014b50, end: 0x06054b50, end64: 0x06064b50, locator64: 0x07064b50, descriptor: 0x08074b50 };

/** Byte offsets of the fields worth lying in, per record type (APPNOTE 4.3). */
const FIELDS: Record<keyof typeof SIGNATURES, Array<{ at: number; width: 2 | 4 | 8 }>> = {
  local: [6, 8, 14, 18, 22, 26, 28].map((at) => ({ at, width: at >= 26 || at <= 8 ? 2 : 4 }) as const),
  central: [4, 8, 10, 16, 20, 24, 28, 30, 32, 38, 42].map((at) => ({ at, width: [4, 8, 10, 28, 30, 32].includes(at) ? 2 : 4 }) as const),
  end: [8, 10, 12, 16, 20].map((at) => ({ at, width: at <= 10 || at === 20 ? 2 : 4 }) as const),
  end64: [24, 32, 40, 48].map((at) => ({ at, width: 8 }) as const),
  locator64: [4, 8, 16].map((at) => ({ at, width: at === 8 ? 8 : 4 }) as const),
  descriptor: [4, 8, 12].map((at) => ({ at, width: 4 }) as const),
};

const BOUNDARY = [0, 1, 0x7f, 0xff, 0x100, 0xfffe, 0xffff, 0x10000, 0x7fffffff, 0xfffffffe, 0xffffffff];

/** Offsets of every record signature in the buffer. */
function recordsIn(zip: Buffer): Array<{ kind: keyof typeof SIGNATURES; offset: number }> {
  const found: Array<{ kind: keyof typeof SIGNATURES; offset: number }> = [];
  for (let i = 0; i + 4 <= zip.length; i++) {
    if (zip[i] !== 0x50 || zip[i + 1] !== 0x4b) continue;
    const sig = zip.readUInt32LE(i);
    for (const [kind, value] of Object.entries(SIGNATURES)) if (sig === value) found.push({ kind: kind as keyof typeof SIGNATURES, offset: i });
  }
  return found;
}

type Mutation =
  | { kind: "truncate"; at: number }
  | { kind: "flip"; bits: number[] }
  | { kind: "field"; record: number; field: number; value: number; delta: number }
  | { kind: "splice"; from: number; length: number; to: number }
  | { kind: "cut"; from: number; length: number }
  | { kind: "garbage"; where: "before" | "after"; bytes: Uint8Array };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("flip" as const), bits: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }) }), weight: 3 },
  {
    arbitrary: fc.record({
      kind: fc.constant("field" as const),
      record: fc.nat(),
      field: fc.nat(),
      value: fc.oneof(fc.constantFrom(...BOUNDARY), fc.nat()),
      delta: fc.constantFrom(0, 0, 1, -1),
    }),
    weight: 5,
  },
  { arbitrary: fc.record({ kind: fc.constant("splice" as const), from: fc.nat(), length: fc.integer({ min: 1, max: 200 }), to: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("cut" as const), from: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("garbage" as const), where: fc.constantFrom("before" as const, "after" as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 300 }) }), weight: 1 },
);

function mutate(zip: Buffer, m: Mutation): Buffer {
  const out = Buffer.from(zip);
  switch (m.kind) {
    case "truncate":
      return out.subarray(0, m.at % out.length);
    case "flip":
      for (const bit of m.bits) out[(bit >> 3) % out.length]! ^= 1 << (bit & 7);
      return out;
    case "field": {
      const records = recordsIn(out);
      const record = records[m.record % records.length];
      if (!record) return out;
      const fields = FIELDS[record.kind];
      const field = fields[m.field % fields.length]!;
      const at = record.offset + field.at;
      if (at + field.width > out.length) return out;
      const current = field.width === 2 ? out.readUInt16LE(at) : field.width === 4 ? out.readUInt32LE(at) : Number(out.readBigUInt64LE(at));
      // Either a boundary value, or the honest value off by one (a size one byte short or long).
      const value = m.delta === 0 ? m.value : current + m.delta;
      if (field.width === 2) out.writeUInt16LE(((value % 0x10000) + 0x10000) % 0x10000, at);
      else if (field.width === 4) out.writeUInt32LE(((value % 2 ** 32) + 2 ** 32) % 2 ** 32, at);
      else out.writeBigUInt64LE(BigInt(Math.max(0, value)), at);
      return out;
    }
    case "splice": {
      const from = m.from % out.length;
      const piece = out.subarray(from, from + m.length);
      const to = m.to % out.length;
      return Buffer.concat([out.subarray(0, to), piece, out.subarray(to)]);
    }
    case "cut": {
      const from = m.from % out.length;
      return Buffer.concat([out.subarray(0, from), out.subarray(from + m.length)]);
    }
    case "garbage":
      return m.where === "before" ? Buffer.concat([Buffer.from(m.bytes), out]) : Buffer.concat([out, Buffer.from(m.bytes)]);
  }
}

/**
 * The base offset Go's readDirectoryEnd derives from the end records (end record offset minus the
 * directory's stated size and offset); 0 for an intact zip without prepended data.
 */
function statedBaseOffset(zip: Buffer): number {
  const from = Math.max(0, zip.length - 65 * 1024);
  let end = -1;
  for (let i = zip.length - 22; i >= from; i--) {
    if (zip.readUInt32LE(i) === SIGNATURES.end && zip.readUInt16LE(i + 20) + 22 + i <= zip.length) {
      end = i;
      break;
    }
  }
  if (end < 0) return 0;
  let [endAt, size, offset] = [end, zip.readUInt32LE(end + 12), zip.readUInt32LE(end + 16)];
  const locator = end - 20;
  if ((zip.readUInt16LE(end + 10) === 0xffff || size === 0xffff || offset === 0xffffffff) && locator >= 0 && zip.readUInt32LE(locator) === SIGNATURES.locator64) {
    const at = Number(zip.readBigUInt64LE(locator + 8));
    if (at + 56 <= zip.length && zip.readUInt32LE(at) === SIGNATURES.end64) {
      [endAt, size, offset] = [at, Number(zip.readBigUInt64LE(at + 40)), Number(zip.readBigUInt64LE(at + 48))];
    }
  }
  return endAt - size - offset;
}

/**
 * Go before 1.21 retries a wrong base offset only when the first directory record fails with
 * ErrFormat; newer Go (what current gateways are built with, and what tyk-ts models) prefers a base
 * offset of 0 whenever a directory record is found there. On an older local Go the reference loader
 * cannot speak for the gateway on such zips.
 */
const GO_PREFERS_ZERO_BASE = (() => {
  if (!hasGo) return true;
  const m = /go1\.(\d+)/.exec(execFileSync("go", ["env", "GOVERSION"], { encoding: "utf8" }));
  return m ? Number(m[1]) >= 21 : true;
})();

/** A report a person can act on: a verdict, a refusal that says why, an unchecked bundle that names the limit. */
function expectSaneReport(report: BundleReport, context: string): void {
  expect(report.accepted, context).toBe(report.verdict === "accepted");
  for (const p of report.problems) {
    expect(["error", "warning", "info"], context).toContain(p.severity);
    expect(p.message.length, context).toBeGreaterThan(0);
  }
  if (report.verdict === "refused") expect(report.problems[0]?.severity, context).toBe("error");
  if (report.verdict === "unchecked") expect(report.problems, context).toContainEqual(expect.objectContaining({ code: `limit-${report.limit?.code}` }));
}

/** Runs `fn`; anything thrown must be one of our typed errors. */
async function typedOutcome<T>(fn: () => Promise<T>): Promise<T | TykTsError> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TykTsError) return err;
    throw new Error(`untyped ${(err as Error)?.name ?? typeof err} escaped: ${(err as Error)?.stack ?? String(err)}`);
  }
}

// --- zip64 and data descriptors, written by hand (no writer at hand produces them on small files) --

function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

/** A zip64 archive: sizes and offsets in zip64 extra fields, zip64 end record and locator. */
function zip64(entries: Array<{ name: string; data: Buffer }>): Buffer {
  const parts: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const body = deflateRawSync(e.data);
    const crc = zlib.crc32(e.data);
    const localExtra = Buffer.concat([u16(1), u16(16), u64(e.data.length), u64(body.length)]);
    const local = Buffer.concat([u32(SIGNATURES.local), u16(45), u16(0x800), u16(8), u16(0), u16(0x21), u32(crc), u32(0xffffffff), u32(0xffffffff), u16(name.length), u16(localExtra.length), name, localExtra]);
    const centralExtra = Buffer.concat([u16(1), u16(24), u64(e.data.length), u64(body.length), u64(offset)]);
    centrals.push(
      Buffer.concat([
        u32(SIGNATURES.central), u16((3 << 8) | 45), u16(45), u16(0x800), u16(8), u16(0), u16(0x21), u32(crc), u32(0xffffffff), u32(0xffffffff),
        u16(name.length), u16(centralExtra.length), u16(0), u16(0), u16(0), u32((0o100644 << 16) >>> 0), u32(0xffffffff), name, centralExtra,
      ]),
    );
    parts.push(local, body);
    offset += local.length + body.length;
  }
  const central = Buffer.concat(centrals);
  const end64At = offset + central.length;
  const end64 = Buffer.concat([u32(SIGNATURES.end64), u64(44), u16(45), u16(45), u32(0), u32(0), u64(entries.length), u64(entries.length), u64(central.length), u64(offset)]);
  const locator = Buffer.concat([u32(SIGNATURES.locator64), u32(0), u64(end64At), u32(1)]);
  const end = Buffer.concat([u32(SIGNATURES.end), u16(0), u16(0), u16(0xffff), u16(0xffff), u32(0xffffffff), u32(0xffffffff), u16(0)]);
  return Buffer.concat([...parts, central, end64, locator, end]);
}

function manifestFor(files: Array<{ name: string; data: Buffer }>, key?: KeyObject): Buffer {
  const data = Buffer.concat(files.map((f) => f.data));
  return Buffer.from(
    JSON.stringify({
      file_list: files.map((f) => f.name),
      custom_middleware: { driver: "python", pre: [{ name: "Pre" }] },
      checksum: createHash("md5").update(data).digest("hex"),
      signature: key ? sign("sha256", data, key).toString("base64") : "",
    }),
  );
}

const SOURCE = { name: "middleware.py", data: Buffer.from("from tyk.decorators import *\n\n@Hook\ndef Pre(request, session, spec):\n    return request, session\n".repeat(20)) };
const HELPER = { name: "helper.py", data: Buffer.from("VALUE = 42\n") };

let dir: string;
let key: KeyObject;
let publicKeyPath: string;
/** Valid bundles the mutations start from: tyk-ts's own, zip64, data descriptors, stored entries. */
const seeds: Array<{ name: string; zip: Buffer; signed: boolean }> = [];
let counter = 0;

beforeAll(async () => {
  dir = await tempDir("tyk-ts-fuzz-zips-");
  const keys = writeTestKeys(dir);
  key = createPrivateKey(readFileSync(keys.privatePkcs8));
  publicKeyPath = keys.publicSpki;

  const plugin = path.join(dir, "plugin");
  await mkdir(path.join(plugin, "lib"), { recursive: true });
  await writeFile(path.join(plugin, SOURCE.name), SOURCE.data);
  await writeFile(path.join(plugin, "lib/util.py"), "def util():\n    return 1\n");
  await writeFile(path.join(plugin, "manifest.json"), JSON.stringify({ file_list: [SOURCE.name, "lib/util.py"], custom_middleware: { driver: "python", pre: [{ name: "Pre" }] } }));
  await buildBundle({ manifest: path.join(plugin, "manifest.json"), output: path.join(dir, "built.zip"), key });
  seeds.push({ name: "built by tyk-ts (signed, nested)", zip: readFileSync(path.join(dir, "built.zip")), signed: true });

  const files = [SOURCE, HELPER];
  seeds.push({ name: "zip64", zip: zip64([...files, { name: "manifest.json", data: manifestFor(files, key) }]), signed: true });
  seeds.push({
    name: "data descriptors, stored",
    zip: buildZip([
      { name: SOURCE.name, data: SOURCE.data, dataDescriptor: true },
      { name: HELPER.name, data: HELPER.data, method: 0 },
      { name: "manifest.json", data: manifestFor(files), dataDescriptor: true },
    ]),
    signed: false,
  });
});

async function writeCase(zip: Buffer): Promise<string> {
  const file = path.join(dir, `case-${counter++}.zip`);
  await writeFile(file, zip);
  return file;
}

describe("verify and inspect on mutated bundles", () => {
  it("the seeds are bundles the gateway accepts", async () => {
    for (const seed of seeds) {
      const file = await writeCase(seed.zip);
      const report = await verifyBundle(file, { publicKey: seed.signed ? publicKeyPath : undefined });
      expect(report.problems.filter((p) => p.severity === "error"), seed.name).toEqual([]);
      expect(report.accepted, seed.name).toBe(true);
      if (hasGo) expect(referenceVerdict(file, seed.signed ? publicKeyPath : undefined).accepted, seed.name).toBe(true);
    }
  });

  it(
    "give a report (never an untyped error) and agree with Go's archive/zip on the verdict",
    async () => {
      let compared = 0;
      await checkProperty(
        "mutated bundles → verify + inspect (+ Go reference)",
        fc.asyncProperty(fc.nat(), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), fc.boolean(), async (seedIndex, mutations, withKey) => {
          const seed = seeds[seedIndex % seeds.length]!;
          const zip = mutations.reduce(mutate, seed.zip);
          const file = await writeCase(zip);
          const publicKey = withKey ? publicKeyPath : undefined;
          const context = `${seed.name} ${JSON.stringify(mutations)}`;
          const started = performance.now();
          const report = await typedOutcome(() => verifyBundle(file, { publicKey }));
          expect(report, context).not.toBeInstanceOf(TykTsError); // the file exists: verify always has a verdict
          expectSaneReport(report as BundleReport, context);
          const inspection = await typedOutcome(() => inspectBundle(file));
          expect(inspection, context).not.toBeInstanceOf(TykTsError);
          expect(performance.now() - started, context).toBeLessThan(5_000);
          const limited = (report as BundleReport).problems.some((p) => p.code.startsWith("limit-"));
          const goVersionMatters = !GO_PREFERS_ZERO_BASE && statedBaseOffset(zip) !== 0;
          if (hasGo && !limited && !goVersionMatters) {
            compared++;
            const reference = referenceVerdict(file, publicKey);
            expect((report as BundleReport).accepted, `${context}\nreference: ${JSON.stringify(reference)}\nours: ${JSON.stringify(report)}`).toBe(reference.accepted);
          }
        }),
        200,
        12_000,
      );
      if (hasGo) expect(compared).toBeGreaterThan(0);
    },
    testTimeoutMs(12_000),
  );
});

describe("verify and inspect on hand-made hostile archives", () => {
  const oddNames = [
    "a".repeat(300), // longer than NAME_MAX
    `${"d/".repeat(1500)}deep.py`, // deeper than any real plugin
    "\u202Egnp.py", // right-to-left override
    "ünïcödé/ファイル.py",
    "tab\tand\nnewline.py",
    "nul\0byte.py",
    "back\\slash.py",
    "../../escape.py",
    "/etc/passwd",
    "..hidden.py",
    "./",
    "C:\\windows\\evil.py",
    "manifest.json/",
  ];

  const cases: Array<{ name: string; zip: () => Buffer; accepted?: boolean }> = [
    { name: "an empty file", zip: () => Buffer.alloc(0), accepted: false },
    { name: "only an end record", zip: () => buildZip([]), accepted: false },
    { name: "a 65,535-byte entry name", zip: () => buildZip([{ name: "x".repeat(0xffff), data: "x" }, { name: "manifest.json", data: manifestFor([]) }]), accepted: false },
    {
      name: "a manifest listed twice, the last one a different manifest",
      zip: () => buildZip([{ name: "manifest.json", data: manifestFor([SOURCE]) }, { name: SOURCE.name, data: SOURCE.data }, { name: "manifest.json", data: "{}" }]),
      accepted: false,
    },
    {
      name: "a duplicated source file whose first copy matches the checksum",
      zip: () => buildZip([{ name: SOURCE.name, data: SOURCE.data }, { name: SOURCE.name, data: "evil()" }, { name: "manifest.json", data: manifestFor([SOURCE]) }]),
      accepted: false,
    },
    {
      name: "odd and hostile names, each alone",
      zip: () => buildZip(oddNames.map((name) => ({ name, data: "x" })).concat({ name: "manifest.json", data: manifestFor([]).toString() })),
      accepted: false,
    },
    {
      name: "invalid UTF-8 in names",
      zip: () => buildZip([{ name: Buffer.from([0xff, 0xfe, 0x2e, 0x70, 0x79]), data: "x" }, { name: "manifest.json", data: manifestFor([]) }]),
    },
    {
      name: "10,001 entries (over the default entry limit)",
      zip: () => buildZip(Array.from({ length: 10_001 }, (_, i) => ({ name: `f${i}.py`, data: "", method: 0 }))),
      accepted: false,
    },
    {
      name: "a central directory that claims 4 GiB entries (zip bomb by declaration)",
      zip: () => {
        const zip = buildZip([{ name: SOURCE.name, data: SOURCE.data }, { name: "manifest.json", data: manifestFor([SOURCE]) }]);
        const central = recordsIn(zip).find((r) => r.kind === "central")!;
        zip.writeUInt32LE(0xfffffffe, central.offset + 24);
        return zip;
      },
      accepted: false,
    },
    {
      name: "an entry that inflates far beyond its declared size (lying bomb)",
      zip: () => {
        const bomb = Buffer.alloc(64 * 1024 * 1024);
        const zip = buildZip([{ name: "bomb.bin", data: bomb, uncompressedSize: 1024, crc: zlib.crc32(bomb.subarray(0, 1024)) }, { name: "manifest.json", data: manifestFor([]) }]);
        return zip;
      },
      accepted: false,
    },
    {
      name: "a data descriptor whose CRC disagrees with the central directory",
      zip: () => buildZip([{ name: SOURCE.name, data: SOURCE.data, dataDescriptor: true, descriptorCrc: 1 }, { name: "manifest.json", data: manifestFor([SOURCE]) }]),
      accepted: false,
    },
    {
      name: "a zip64 end record pointing past the end of the file",
      zip: () => {
        const zip = zip64([SOURCE, { name: "manifest.json", data: manifestFor([SOURCE]) }]);
        const locator = recordsIn(zip).find((r) => r.kind === "locator64")!;
        zip.writeBigUInt64LE(BigInt(zip.length * 4), locator.offset + 8);
        return zip;
      },
      accepted: false,
    },
    {
      name: "a zip64 extra field too short for the values it must hold",
      zip: () => {
        const zip = zip64([SOURCE, { name: "manifest.json", data: manifestFor([SOURCE]) }]);
        const central = recordsIn(zip).find((r) => r.kind === "central")!;
        const nameLength = zip.readUInt16LE(central.offset + 28);
        zip.writeUInt16LE(8, central.offset + 46 + nameLength + 2); // the extra claims 8 bytes of 24
        return zip;
      },
      accepted: false,
    },
  ];

  for (const c of cases) {
    it(`reports on ${c.name} within bounded time and memory`, async () => {
      const file = await writeCase(c.zip());
      const rssBefore = process.memoryUsage().rss;
      const started = performance.now();
      const report = await verifyBundle(file, { publicKey: publicKeyPath });
      const inspection = await inspectBundle(file);
      const elapsed = performance.now() - started;
      expectSaneReport(report, c.name);
      expect(inspection.entries.length).toBeGreaterThanOrEqual(0);
      if (c.accepted !== undefined) expect(report.accepted, JSON.stringify(report.problems)).toBe(c.accepted);
      expect(elapsed).toBeLessThan(10_000);
      // Streams and bounded reads: a hostile archive must not make the process grow by its claims.
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(150 * 1024 * 1024);
    }, 30_000);
  }
});
