/**
 * Differential test: tyk-ts's verdict against an independent loader built on Go's archive/zip and
 * encoding/json (what the gateway uses), over randomly generated bundles: odd names, folders with
 * and without directory entries, duplicates, directory attributes from several systems, damaged
 * data, unsupported methods, data descriptors, prepended data, odd manifests, keys and signatures.
 */
import { createHash, createPrivateKey, type KeyObject, sign } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyBundle } from "../src/bundle/verify.js";
import { hasGo, referenceVerdict } from "./helpers/independent.js";
import { writeTestKeys } from "./helpers/keys.js";
import { tempDir } from "./helpers/tmp.js";
import { buildZip, type RawEntry } from "./helpers/zip-builder.js";

/** Names that trouble the gateway's unpack one way or another. */
const ODD_NAMES = [
  "lib", "../x.py", "/abs.py", "..h.py", "./", "a.py/", "./a.py", "lib//c.py", "lib\\c.py", "", "x/../a.py", "manifest.json", "manifest.json/", "z/", "lib/",
];
const FILES = ["a.py", "b.py", "lib/c.py", "lib/sub/d.py"];
const ODD_LISTED = ["lib", "./a.py", "/a.py", "../a.py", "missing.py", "lib\\c.py", "", "manifest.json"];

type ManifestStyle = "plain" | "case-insensitive" | "trailing-garbage" | "wrong-type" | "not-json" | "bom" | "null" | "array" | "upper-checksum";

interface GeneratedEntry {
  name: string;
  data: string;
  /** Creator system whose directory attribute marks this entry a directory whatever its name. */
  dirCreator?: number;
  method?: number;
  badCrc?: boolean;
  descriptor?: boolean;
}

interface Case {
  entries: GeneratedEntry[];
  manifestAt: number;
  manifestStyle: ManifestStyle;
  fileList: string[];
  checksumRight: boolean;
  signature: "none" | "right" | "wrong" | "garbage" | "newlines";
  withKey: boolean;
  prepend: boolean;
  truncate: number;
}

const rare = <T>(arb: fc.Arbitrary<T>, freq = 12) => fc.option(arb, { freq, nil: undefined });

/** Mostly well-formed bundles (files in folders, directory entries parents first), each perturbed a little. */
const caseArb: fc.Arbitrary<Case> = fc
  .record({
    files: fc.subarray(FILES, { minLength: 1 }),
    data: fc.array(fc.string({ maxLength: 12 }), { minLength: 4, maxLength: 4 }),
    dirEntries: fc.constantFrom("parents-first", "parents-first", "parents-first", "none", "after", "twice"),
    odd: fc.array(fc.record({ name: fc.constantFrom(...ODD_NAMES), at: fc.nat({ max: 8 }), dirCreator: rare(fc.constantFrom(0, 3, 11, 14, 19, 10), 2) }), { maxLength: 2 }),
    oddCount: fc.constantFrom(0, 0, 0, 1, 2),
    damage: rare(fc.record({ at: fc.nat({ max: 8 }), kind: fc.constantFrom("crc", "method", "descriptor", "descriptor-crc", "store") }), 3),
    manifestAt: fc.constantFrom(99, 99, 99, 0, 1),
    manifestStyle: fc.constantFrom<ManifestStyle>(
      ...Array<ManifestStyle>(12).fill("plain"), "case-insensitive", "trailing-garbage", "wrong-type", "not-json", "bom", "null", "array", "upper-checksum",
    ),
    listing: fc.constantFrom("in-order", "in-order", "in-order", "reversed", "repeated", "odd", "empty"),
    oddListed: fc.constantFrom(...ODD_LISTED),
    checksumRight: fc.constantFrom(true, true, true, true, true, false),
    signature: fc.constantFrom<Case["signature"]>("none", "right", "right", "right", "wrong", "garbage", "newlines"),
    withKey: fc.boolean(),
    prepend: fc.constantFrom(false, false, false, true),
    truncate: fc.constantFrom(...Array<number>(16).fill(0), 1, 30),
  })
  .map((g): Case => {
    const entries: GeneratedEntry[] = [];
    const dirsOf = (f: string) => f.split("/").slice(0, -1).map((_, i, parts) => `${parts.slice(0, i + 1).join("/")}/`);
    const made = new Set<string>();
    g.files.forEach((f, i) => {
      const dirs = dirsOf(f).filter((d) => !made.has(d));
      dirs.forEach((d) => made.add(d));
      if (g.dirEntries === "parents-first" || g.dirEntries === "twice") entries.push(...dirs.map((d) => ({ name: d, data: "" })));
      if (g.dirEntries === "twice") entries.push(...dirs.map((d) => ({ name: d, data: "" })));
      entries.push({ name: f, data: g.data[i]! });
      if (g.dirEntries === "after") entries.push(...dirs.map((d) => ({ name: d, data: "" })));
    });
    for (const o of g.odd.slice(0, g.oddCount)) entries.splice(Math.min(o.at, entries.length), 0, { name: o.name, data: "odd", dirCreator: o.dirCreator });
    const damaged = g.damage && entries[g.damage.at % Math.max(entries.length, 1)];
    if (g.damage && damaged) {
      if (g.damage.kind === "crc") damaged.badCrc = true;
      if (g.damage.kind === "method") damaged.method = 12;
      if (g.damage.kind === "store") damaged.method = 0;
      if (g.damage.kind.startsWith("descriptor")) damaged.descriptor = true;
      if (g.damage.kind === "descriptor-crc") damaged.badCrc = true;
    }
    const fileList =
      g.listing === "in-order" ? g.files
      : g.listing === "reversed" ? [...g.files].reverse()
      : g.listing === "repeated" ? [...g.files, g.files[0]!]
      : g.listing === "odd" ? [...g.files, g.oddListed]
      : [];
    return { entries, manifestAt: g.manifestAt, manifestStyle: g.manifestStyle, fileList, checksumRight: g.checksumRight, signature: g.signature, withKey: g.withKey, prepend: g.prepend, truncate: g.truncate };
  });

/** A likely-right checksum: the last file entry under each listed name (cleaned), in list order. */
function plausibleData(c: Case): Buffer {
  const clean = (p: string) => path.posix.normalize(p.replace(/^\/+/, "")).replace(/\/+$/, "");
  const parts = c.fileList.map((listed) => {
    const hit = [...c.entries].reverse().find((e) => !e.name.endsWith("/") && e.dirCreator === undefined && clean(e.name) === clean(listed));
    return Buffer.from(hit?.data ?? "");
  });
  return Buffer.concat(parts);
}

interface Keys {
  good: KeyObject;
  other: KeyObject;
  publicPem: string;
}

function manifestText(c: Case, keys: Keys): string {
  const data = plausibleData(c);
  const checksum = c.checksumRight ? createHash("md5").update(data).digest("hex") : "0123456789abcdef0123456789abcdef";
  const signature = {
    none: "",
    right: sign("sha256", data, keys.good).toString("base64"),
    wrong: sign("sha256", data, keys.other).toString("base64"),
    garbage: "not base64!",
    newlines: sign("sha256", data, keys.good).toString("base64").replace(/(.{64})/g, "$1\r\n"),
  }[c.signature];
  const manifest = { file_list: c.fileList, custom_middleware: { driver: "python", pre: [{ name: "Pre" }] }, checksum, signature };
  switch (c.manifestStyle) {
    case "plain":
      return JSON.stringify(manifest);
    case "case-insensitive":
      return JSON.stringify({ File_List: c.fileList, Custom_Middleware: manifest.custom_middleware, CHECKSUM: checksum, Signature: signature });
    case "trailing-garbage":
      return `${JSON.stringify(manifest)} }{ trailing`;
    case "wrong-type":
      return JSON.stringify({ ...manifest, checksum: 42 });
    case "not-json":
      return `{"file_list": [`;
    case "bom":
      return `\uFEFF${JSON.stringify(manifest)}`;
    case "null":
      return "null";
    case "array":
      return "[]";
    case "upper-checksum":
      return JSON.stringify({ ...manifest, checksum: checksum.toUpperCase() });
  }
}

function zipFor(c: Case, keys: Keys): Buffer {
  const raw: RawEntry[] = c.entries.map((e) => ({
    name: e.name,
    data: e.data,
    ...(e.dirCreator !== undefined && { creator: e.dirCreator, externalAttributes: e.dirCreator === 3 || e.dirCreator === 19 ? ((0o40755 << 16) | 0x10) >>> 0 : 0x10 }),
    method: e.method,
    crc: e.badCrc ? 0x12345678 : undefined,
    dataDescriptor: e.descriptor,
  }));
  raw.splice(Math.min(c.manifestAt, raw.length), 0, { name: "manifest.json", data: manifestText(c, keys) });
  const zip = buildZip(raw, { prepend: c.prepend ? Buffer.from("#!/bin/sh\necho self-extracting stub\n") : undefined });
  return c.truncate ? zip.subarray(0, zip.length - c.truncate) : zip;
}

/** The reference loader's step → the codes tyk-ts gives for a refusal at that step. */
const STAGE_CODES: Record<string, RegExp> = {
  unpack: /^(unpack-|zip-)/,
  manifest: /^manifest-/,
  signed: /^bundle-not-signed$/,
  file_list: /^file-list-/,
  checksum: /^checksum-mismatch$/,
  signature: /^signature-/,
};

describe.skipIf(!hasGo)("verdicts agree with a loader built on Go's archive/zip and encoding/json", () => {
  let dir: string;
  let keys: Keys;
  beforeAll(async () => {
    dir = await tempDir();
    const good = writeTestKeys(dir, "key");
    const other = writeTestKeys(dir, "other");
    keys = { good: createPrivateKey(readFileSync(good.privatePkcs8)), other: createPrivateKey(readFileSync(other.privatePkcs8)), publicPem: good.publicSpki };
  });

  it("on randomly generated bundles", async () => {
    let n = 0;
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const file = path.join(dir, `case-${n++}.zip`);
        writeFileSync(file, zipFor(c, keys));
        const key = c.withKey ? keys.publicPem : undefined;
        const reference = referenceVerdict(file, key);
        const ours = await verifyBundle(file, { publicKey: key });
        if (reference.accepted) accepted++;
        const context = JSON.stringify({ case: c, reference, ours });
        expect(ours.accepted, context).toBe(reference.accepted);
        // The first problem of a refused bundle is the gateway's reason, at the same step.
        if (!reference.accepted) expect(ours.problems[0]?.code, context).toMatch(STAGE_CODES[reference.stage]!);
      }),
      // FC_RUNS and FC_SEED explore further: FC_RUNS=5000 FC_SEED=$RANDOM npx vitest run test/verify-reference.test.ts
      { numRuns: Number(process.env.FC_RUNS ?? 200), seed: Number(process.env.FC_SEED ?? 20240601) },
    );
    // The generator must exercise acceptance as well as refusal.
    expect(accepted).toBeGreaterThan(30);
  });
});
