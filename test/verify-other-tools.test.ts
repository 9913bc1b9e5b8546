/**
 * Issue 15: `bundle verify` gives the gateway's verdict on bundles zipped by other tools. Info-ZIP's
 * zip, 7-Zip, bsdtar, the JDK's jar, git archive, Python's zipfile and Go's archive/zip writer zip
 * the same plugins with the options that change the bytes (test/support/other_tools_cases.py); the
 * reference verdict is the Go model of the gateway's loader (test/support/gateway-loader: Go's
 * archive/zip, encoding/json, crypto/rsa). Tools that are not installed are skipped with a message
 * (.ci/run installs them).
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import fc from "fast-check";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyBundle, type BundleReport } from "../src/bundle/verify.js";
import { ROOT } from "./helpers/cli.js";
import { gatewayVerdict, goZip, hasGo, type GoZipEntry } from "./helpers/gateway-loader.js";
import { hasTool, writeTestKeys, type TestKeys } from "./helpers/keys.js";
import { tempDir } from "./helpers/tmp.js";

describe.skipIf(!hasGo || !hasTool("python3") || !hasTool("openssl"))("verdicts on bundles zipped by other tools equal the gateway's", () => {
  let dir: string;
  let keys: TestKeys;
  let cases: string[];
  const caseFile = (name: string) => path.join(dir, "cases", name);
  beforeAll(async () => {
    dir = await tempDir();
    keys = writeTestKeys(await tempDir());
    const made = JSON.parse(execFileSync("python3", [path.join(ROOT, "test/support/other_tools_cases.py"), dir, keys.privatePkcs8], { encoding: "utf8", maxBuffer: 64 << 20 })) as {
      skipped: string[];
      go: Array<{ out: string; entries: GoZipEntry[] }>;
    };
    if (made.skipped.length) console.warn(`verify-other-tools: not installed, their cases are skipped: ${made.skipped.join(", ")} (.ci/run installs them)`);
    for (const spec of made.go) goZip(spec.out, spec.entries);
    cases = readdirSync(path.join(dir, "cases")).filter((f) => f.endsWith(".zip")).sort();
  }, 120_000);

  it("zips the plugins with every installed tool, in both outcomes", () => {
    const perTool = new Map<string, number>();
    for (const name of cases) perTool.set(name.split("--")[0]!, (perTool.get(name.split("--")[0]!) ?? 0) + 1);
    const minimum: Record<string, [string, number]> = { zip: ["zip", 50], "7z": ["7z", 40], bsdtar: ["bsdtar", 30], jar: ["jar", 4], python: ["python3", 40], go: ["go", 6], git: ["git", 6] };
    for (const [tool, [command, least]] of Object.entries(minimum)) {
      if (hasTool(command)) expect(perTool.get(tool) ?? 0, tool).toBeGreaterThanOrEqual(least);
    }
  });

  const reports = new Map<string, BundleReport>();
  for (const withKey of [true, false]) {
    it(`agrees on every bundle ${withKey ? "with public_key_path set" : "without a public key"}`, async () => {
      const disagreements: string[] = [];
      const verdicts = { accepted: 0, refused: 0, unchecked: 0 };
      for (const name of cases) {
        const gateway = gatewayVerdict(caseFile(name), withKey ? keys.publicSpki : undefined);
        const report = await verifyBundle(caseFile(name), withKey ? { publicKey: keys.publicSpki } : {});
        if (withKey) reports.set(name, report);
        verdicts[report.verdict]++;
        // A safety limit of tyk-ts's own leaves the verdict open; it must say which limit, and only
        // where the gateway's verdict is not a refusal for another reason.
        const agrees = report.verdict === "unchecked" ? report.limit !== null && gateway.accepted : report.accepted === gateway.accepted;
        if (!agrees) {
          disagreements.push(`${name}: gateway ${gateway.output}; tyk-ts ${report.verdict} (${report.problems.find((p) => p.severity === "error")?.message ?? ""})`);
        }
      }
      expect(disagreements).toEqual([]);
      expect(verdicts.accepted).toBeGreaterThan(40);
      expect(verdicts.refused).toBeGreaterThan(40);
    }, 180_000);
  }

  it("agrees where the end record's directory size is off by one record (the base offset rule of Go 1.21.11+)", async () => {
    const bytes = readFileSync(caseFile("python--default--flat.zip"));
    const end = bytes.lastIndexOf(Buffer.from("PK\x05\x06", "latin1"));
    const size = bytes.readUInt32LE(end + 12);
    const start = bytes.readUInt32LE(end + 16);
    const firstRecord = 46 + bytes.readUInt16LE(start + 28) + bytes.readUInt16LE(start + 30) + bytes.readUInt16LE(start + 32);
    // Smaller: a positive base offset, but a record parses at the stated offset, so Go reads it there.
    // Larger: a negative base offset, which Go keeps (it no longer retries at 0), so it finds no record.
    for (const [delta, verdict] of [[-firstRecord, "accepted"], [firstRecord, "refused"]] as const) {
      const file = path.join(dir, `dirsize${delta}.zip`);
      const changed = Buffer.from(bytes);
      changed.writeUInt32LE(size + delta, end + 12);
      writeFileSync(file, changed);
      expect(gatewayVerdict(file).output.split(":")[0]).toBe(verdict);
      expect((await verifyBundle(file)).verdict).toBe(verdict);
    }
  });

  it("agrees on randomly damaged zips from the streaming and zip64 writers (seeded; TYK_TS_FUZZ_RUNS for a longer run)", async () => {
    const sources = cases.filter((n) => /^(bsdtar--stream|jar--cf|python--zip64|python--stream|zip--stream-fz|zip--sfx-raw|7z--default)--(flat|nested)\.zip$/.test(n)).map((n) => readFileSync(caseFile(n)));
    const damaged = path.join(dir, "damaged.zip");
    const mutation = fc.record({
      source: fc.nat({ max: sources.length - 1 }),
      // Half the edits land in the last quarter: the central directory and the end record.
      edits: fc.array(fc.record({ tail: fc.boolean(), at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 3 }),
      cut: fc.option(fc.double({ min: 0.5, max: 1, noNaN: true }), { freq: 8 }),
      withKey: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(mutation, async ({ source, edits, cut, withKey }) => {
        let bytes = Buffer.from(sources[source]!);
        for (const e of edits) bytes[Math.floor((e.tail ? 0.75 + e.at / 4 : e.at) * bytes.length)] = e.value;
        if (cut !== null) bytes = bytes.subarray(0, Math.floor(cut * bytes.length));
        writeFileSync(damaged, bytes);
        const gateway = gatewayVerdict(damaged, withKey ? keys.publicSpki : undefined);
        const report = await verifyBundle(damaged, withKey ? { publicKey: keys.publicSpki } : {});
        expect(report.accepted, gateway.output).toBe(gateway.accepted);
      }),
      { seed: Number(process.env.TYK_TS_FUZZ_SEED ?? 20261206), numRuns: Number(process.env.TYK_TS_FUZZ_RUNS ?? 150) },
    );
  }, 120_000);

  it("names the gateway's reason on the shapes other tools produce", () => {
    const first = (name: string) => reports.get(name)?.problems.find((p) => p.severity === "error");
    // bsdtar given "." writes a "./" entry first: the gateway's mkdir of its own bundle folder fails.
    if (reports.has("bsdtar--dot--flat.zip")) expect(first("bsdtar--dot--flat.zip")).toMatchObject({ code: "unpack-directory-exists" });
    // Go 1.21.11+/1.22.4+: the last end-record signature has a comment running past the file.
    expect(first("python--comment-eocd--flat.zip")?.message).toMatch(/comment longer than the bytes after it/);
    expect(reports.get("python--comment--flat.zip")?.verdict).toBe("accepted");
    // 7-Zip's and Python's other methods: Go's reader has Store and Deflate only.
    if (reports.has("7z--lzma--flat.zip")) expect(first("7z--lzma--flat.zip")?.message).toMatch(/compression|method/i);
    expect(reports.get("python--lzma--nested.zip")?.verdict).toBe("refused");
    // Two MiB of zeros pass the gateway; tyk-ts's ratio limit leaves it unchecked, naming the limit.
    expect(reports.get("python--default--zeros.zip")?.verdict ?? reports.get("zip--r--zeros.zip")?.verdict).toBe("unchecked");
  });
});
