/**
 * `verifyBundle` on damaged and unusual zips, hand-built byte by byte: what Go's archive/zip (the
 * gateway's reader) refuses or accepts, and the limits that stop zip bombs before they are read.
 */
import { createHash, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyBundle, type BundleReport, type VerifyOptions } from "../src/bundle/verify.js";
import { hasGo, referenceVerdict } from "./helpers/independent.js";
import { tempDir } from "./helpers/tmp.js";
import { buildZip, type RawEntry, type ZipOptions } from "./helpers/zip-builder.js";

const PY = "def hook(request, session, spec):\n    return request, session\n";

function manifestFor(files: Record<string, string>, extra: Record<string, unknown> = {}): string {
  const data = Object.values(files).join("");
  return JSON.stringify({
    file_list: Object.keys(files),
    custom_middleware: { driver: "python", pre: [{ name: "hook" }] },
    checksum: createHash("md5").update(data).digest("hex"),
    ...extra,
  });
}

const good = (overrides: Partial<RawEntry> = {}): RawEntry[] => [
  { name: "middleware.py", data: PY, ...overrides },
  { name: "manifest.json", data: manifestFor({ "middleware.py": PY }) },
];

describe("verify: damaged and unusual zips", () => {
  let dir: string;
  let n = 0;
  beforeAll(async () => {
    dir = await tempDir();
  });

  async function verifyBytes(bytes: Buffer, options: VerifyOptions = {}, compare = true): Promise<BundleReport> {
    const file = path.join(dir, `zip-${n++}.zip`);
    writeFileSync(file, bytes);
    const report = await verifyBundle(file, options);
    if (hasGo && compare) expect(report.accepted, JSON.stringify(report.problems)).toBe(referenceVerdict(file).accepted);
    return report;
  }
  const verifyZip = (entries: RawEntry[], zipOptions: ZipOptions = {}, options: VerifyOptions = {}) => verifyBytes(buildZip(entries, zipOptions), options);

  it("accepts a well-formed hand-built bundle", async () => {
    expect(await verifyZip(good())).toMatchObject({ accepted: true });
  });

  it("refuses a file that is not a zip, an empty file and a truncated zip, without crashing", async () => {
    for (const bytes of [Buffer.from("this is not a zip file at all"), Buffer.alloc(0), buildZip(good()).subarray(0, 60)]) {
      const r = await verifyBytes(bytes);
      expect(r).toMatchObject({ accepted: false, checksum: null });
      expect(r.problems).toEqual([expect.objectContaining({ severity: "error", code: "zip-invalid", message: expect.stringContaining("not a valid zip file") })]);
    }
  });

  it("refuses a zip whose end record counts more entries than the directory holds", async () => {
    const r = await verifyZip(good(), { entryCount: 3 });
    expect(r.problems[0]).toMatchObject({ code: "zip-invalid", message: expect.stringContaining("announces 3 entries, 2 could be read") });
  });

  it("refuses data that fails its CRC-32, even in an entry file_list does not name", async () => {
    const listed = await verifyZip(good({ crc: 0xdeadbeef }));
    expect(listed.problems[0]).toMatchObject({ code: "zip-entry-corrupt", message: expect.stringContaining("CRC-32") });
    const unlisted = await verifyZip([{ name: "notes.txt", data: "hello", method: 0, crc: 1 }, ...good()]);
    expect(unlisted.problems[0]).toMatchObject({ code: "zip-entry-corrupt", message: expect.stringContaining('"notes.txt"') });
  });

  it("refuses an entry whose size differs from its header, and corrupt deflate data", async () => {
    const larger = await verifyZip(good({ uncompressedSize: PY.length + 10 }));
    expect(larger.problems[0]).toMatchObject({ code: "zip-entry-corrupt" });
    const smaller = await verifyZip(good({ uncompressedSize: 3 }));
    expect(smaller.problems[0]).toMatchObject({ code: "zip-entry-corrupt", message: expect.stringContaining("more data than") });
    const garbage = buildZip([{ name: "junk.bin", data: "x".repeat(64), method: 0 }, ...good()]);
    garbage.writeUInt16LE(8, garbage.indexOf("junk.bin") - 22); // local header method → deflate
    garbage.writeUInt16LE(8, garbage.lastIndexOf("junk.bin") - 36); // central header method → deflate
    expect((await verifyBytes(garbage)).problems[0]).toMatchObject({ code: "zip-entry-corrupt", message: expect.stringContaining("corrupt compressed data") });
  });

  it("finds the same damage in large entries, which are streamed rather than inflated at once", async () => {
    const large = randomBytes(600 * 1024);
    const manifest = JSON.stringify({
      file_list: ["middleware.py", "model.bin"],
      custom_middleware: { driver: "python", pre: [{ name: "hook" }] },
      checksum: createHash("md5").update(PY).update(large).digest("hex"),
    });
    const bundle = (model: Partial<RawEntry>) => [{ name: "middleware.py", data: PY }, { name: "model.bin", data: large, ...model }, { name: "manifest.json", data: manifest }];
    expect(await verifyZip(bundle({}))).toMatchObject({ accepted: true });
    expect((await verifyZip(bundle({ crc: 1 }))).problems[0]).toMatchObject({ code: "zip-entry-corrupt", message: expect.stringContaining("CRC-32") });
    expect((await verifyZip(bundle({ uncompressedSize: 1000 }))).problems[0]).toMatchObject({ code: "zip-entry-corrupt", message: expect.stringContaining("more data than") });
    expect((await verifyZip(bundle({ uncompressedSize: large.length + 1 }))).problems[0]).toMatchObject({ code: "zip-entry-corrupt" });
    const damaged = buildZip(bundle({}));
    const at = damaged.indexOf("model.bin") + 9 + 300 * 1024;
    damaged.fill(0xff, at, at + 64);
    expect((await verifyBytes(damaged)).problems[0]).toMatchObject({ code: "zip-entry-corrupt" });
    const cut = buildZip(bundle({}));
    expect((await verifyBytes(cut.subarray(0, cut.indexOf("model.bin") + 200 * 1024))).accepted).toBe(false);
  });

  it("refuses compression methods other than store and deflate", async () => {
    const r = await verifyZip([{ name: "lib.bin", data: "bzip2?", method: 12 }, ...good()]);
    expect(r.problems[0]).toMatchObject({ code: "zip-entry-unreadable", message: expect.stringContaining("compression method 12") });
  });

  it("reads entries with data descriptors, and refuses one whose descriptor disagrees", async () => {
    expect(await verifyZip(good({ dataDescriptor: true }))).toMatchObject({ accepted: true });
    const r = await verifyZip(good({ dataDescriptor: true, descriptorCrc: 7 }));
    expect(r.problems[0]).toMatchObject({ code: "zip-entry-corrupt" });
  });

  it("accepts a zip with a prepended stub, as Go's reader does", async () => {
    expect(await verifyZip(good(), { prepend: Buffer.from("#!/bin/sh\nexit 0\n") })).toMatchObject({ accepted: true });
  });

  it("treats entries as directories the way Go's FileHeader.Mode does", async () => {
    for (const creator of [0, 11, 14]) {
      const fat = await verifyZip([{ name: "lib", creator, externalAttributes: 0x10 }, { name: "lib/a.py", data: "a" }, ...good()]);
      expect(fat.accepted, `creator ${creator}`).toBe(true);
    }
    const unixDirectory = await verifyZip([{ name: "lib", creator: 3, externalAttributes: (0o40755 << 16) >>> 0 }, { name: "lib/a.py", data: "a" }, ...good()]);
    expect(unixDirectory.accepted).toBe(true);
    // The MS-DOS attribute means nothing when the zip says it was made on Unix.
    const unixFile = await verifyZip([{ name: "lib", creator: 3, externalAttributes: ((0o100644 << 16) | 0x10) >>> 0 }, { name: "lib/a.py", data: "a" }, ...good()]);
    expect(unixFile.problems[0]).toMatchObject({ code: "unpack-not-a-directory" });
  });

  it("refuses names the gateway cannot create: NUL bytes, parts over 255 bytes, an empty name", async () => {
    const nul = await verifyZip([{ name: Buffer.from("evil\0.py"), data: "x" }, ...good()]);
    expect(nul.problems[0]).toMatchObject({ code: "unpack-invalid-name", message: expect.stringContaining("NUL") });
    const long = await verifyZip([{ name: `${"a".repeat(256)}.py`, data: "x" }, ...good()]);
    expect(long.problems[0]).toMatchObject({ code: "unpack-invalid-name", message: expect.stringContaining("255 bytes") });
    const empty = await verifyZip([{ name: "", data: "x" }, ...good()]);
    expect(empty.problems[0]).toMatchObject({ code: "unpack-file-over-directory" });
  });

  it("compares names as bytes: a name not flagged UTF-8 is the same bytes on the gateway", async () => {
    const latin1 = Buffer.from("caf\xe9.py", "latin1");
    const manifest = JSON.stringify({ file_list: ["café.py"], checksum: createHash("md5").update("x").digest("hex"), custom_middleware: { driver: "python", pre: [{ name: "hook" }] } });
    const r = await verifyZip([{ name: latin1, data: "x" }, { name: "manifest.json", data: manifest }]);
    expect(r.problems[0]).toMatchObject({ code: "file-list-missing" });
  });

  it("warns about backslashes in names, which are not folders on the gateway", async () => {
    const manifest = manifestFor({ "middleware.py": PY });
    const r = await verifyZip([{ name: "middleware.py", data: PY }, { name: "lib\\util.py", data: "u" }, { name: "manifest.json", data: manifest }]);
    expect(r.accepted).toBe(true);
    expect(r.problems).toContainEqual(expect.objectContaining({ code: "backslash-name", severity: "warning" }));
    const listed = JSON.stringify({ file_list: ["lib/util.py"], checksum: createHash("md5").update("u").digest("hex"), custom_middleware: { driver: "python", pre: [{ name: "hook" }] } });
    const missing = await verifyZip([{ name: "lib\\util.py", data: "u" }, { name: "manifest.json", data: listed }]);
    expect(missing.problems[0]).toMatchObject({ code: "file-list-missing", message: expect.stringContaining('the zip has "lib\\\\util.py"') });
  });

  describe("limits against zip bombs", () => {
    it("leaves unchecked an entry that inflates far beyond its compressed size", async () => {
      const bomb = Buffer.alloc(16 * 1024 * 1024);
      const r = await verifyBytes(buildZip([{ name: "zeros.bin", data: bomb }, ...good()]), {}, false);
      expect(r).toMatchObject({ verdict: "unchecked", accepted: false, limit: { code: "ratio", value: 100 } });
      expect(r.problems).toEqual([
        { severity: "warning", code: "limit-ratio", message: expect.stringMatching(/ratio 1029:1, limit 100:1.*cannot say whether the gateway accepts the bundle \(the gateway has no such limit\)/) },
      ]);
      // Raised on purpose, the same bundle is read and judged on its merits.
      expect(await verifyBytes(buildZip([{ name: "zeros.bin", data: bomb }, ...good()]), { limits: { maxRatio: 2000 } })).toMatchObject({ accepted: true });
    });

    it("leaves zips with too many entries or too much data unchecked, as configured", async () => {
      const many = await verifyBytes(buildZip([{ name: "a.txt", data: "a" }, { name: "b.txt", data: "b" }, ...good()]), { limits: { maxEntries: 3 } }, false);
      expect(many).toMatchObject({ verdict: "unchecked", limit: { code: "entries", value: 3 } });
      expect(many.problems).toEqual([expect.objectContaining({ code: "limit-entries", message: expect.stringContaining("more than 3 entries") })]);
      const big = await verifyBytes(buildZip(good()), { limits: { maxTotalSize: 100 } }, false);
      expect(big).toMatchObject({ verdict: "unchecked", limit: { code: "size", value: 100 } });
      expect(big.problems).toEqual([expect.objectContaining({ severity: "warning", code: "limit-size", message: expect.stringContaining("the gateway has no such limit") })]);
    });

    it("refuses overlapping entries that reuse the same compressed data many times", async () => {
      const zeros = Buffer.alloc(2 * 1024 * 1024);
      const zip = buildZip([{ name: "z0", data: zeros }, ...good()]);
      // Point 40 more central directory records at the first entry's data (a "better zip bomb").
      const cdStart = zip.readUInt32LE(zip.length - 6);
      const cdEnd = zip.length - 22;
      const firstRecord = zip.subarray(cdStart, cdStart + 46 + 2);
      const copies = Array.from({ length: 40 }, () => Buffer.from(firstRecord));
      const central = Buffer.concat([zip.subarray(cdStart, cdEnd), ...copies]);
      const end = Buffer.from(zip.subarray(cdEnd));
      end.writeUInt16LE(43, 8);
      end.writeUInt16LE(43, 10);
      end.writeUInt32LE(central.length, 12);
      const r = await verifyBytes(Buffer.concat([zip.subarray(0, cdStart), central, end]), { limits: { maxTotalSize: 64 * 1024 * 1024, maxRatio: 10_000 } }, false);
      expect(r.problems).toEqual([expect.objectContaining({ code: "limit-size" })]);
    });
  });
});

describe("verify: manifest decoding at Go's edges", () => {
  let dir: string;
  let n = 0;
  beforeAll(async () => {
    dir = await tempDir();
  });

  async function verifyManifest(manifestText: string): Promise<BundleReport> {
    const file = path.join(dir, `manifest-${n++}.zip`);
    writeFileSync(file, buildZip([{ name: "middleware.py", data: PY }, { name: "manifest.json", data: manifestText }]));
    const report = await verifyBundle(file);
    if (hasGo) expect(report.accepted, JSON.stringify(report.problems)).toBe(referenceVerdict(file).accepted);
    return report;
  }
  const checksum = createHash("md5").update(PY).digest("hex");
  const withExtra = (extra: string) => `{"file_list": ["middleware.py"], "checksum": "${checksum}", "custom_middleware": {"driver": "python", "pre": [{"name": "hook"}]}, ${extra}}`;

  it("refuses a number that does not fit a float64 where Go decodes into interface{}, and ignores it elsewhere", async () => {
    const inConfig = await verifyManifest(withExtra('"x": 1, "custom_middleware": {"driver": "python", "pre": [{"name": "hook"}], "id_extractor": {"extractor_config": {"n": [1e400]}}}'));
    expect(inConfig.problems[0]).toMatchObject({ code: "manifest-wrong-type", message: expect.stringContaining("extractor_config.n[0] must be a number within float64 range") });
    expect(await verifyManifest(withExtra('"unknown": 1e400'))).toMatchObject({ accepted: true });
  });

  it("refuses JSON nested deeper than Go's 10000 levels, and accepts deep nesting below it", async () => {
    const deep = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;
    const tooDeep = await verifyManifest(withExtra(`"unknown": ${deep(10_000)}`));
    expect(tooDeep.problems[0]).toMatchObject({ code: "manifest-invalid-json", message: expect.stringContaining("exceeded max depth") });
    expect(await verifyManifest(withExtra(`"unknown": ${deep(300)}`))).toMatchObject({ accepted: true });
    // What follows the first JSON value is never read, however deep.
    expect(await verifyManifest(`${withExtra('"x": 0')}${deep(20_000)}`)).toMatchObject({ accepted: true });
  });
});
