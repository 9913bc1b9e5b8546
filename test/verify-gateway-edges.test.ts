/**
 * The classes of disagreement a set of independently made zips showed (issue 15), each checked on
 * zips from other tools (Python's zipfile, Info-ZIP's zip, Go's archive/zip writer) and hand-made
 * bytes, against the Go model of the gateway's loader (test/support/gateway-loader) where Go can judge.
 */
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../src/bundle/keygen.js";
import { builtWithGo124 } from "../src/bundle/gateway-versions.js";
import { verifyBundle, type BundleReport, type VerifyOptions } from "../src/bundle/verify.js";
import { runCli } from "./helpers/cli.js";
import { gatewayVerdict, goZip, hasGo } from "./helpers/gateway-loader.js";
import { hasPython, pythonBundle } from "./helpers/independent.js";
import { hasTool } from "./helpers/keys.js";
import { tempDir } from "./helpers/tmp.js";
import { buildZip, type RawEntry } from "./helpers/zip-builder.js";

const PY = "def hook(request, session, spec):\n    return request, session\n";
const MIDDLEWARE = { driver: "python", pre: [{ name: "hook" }] };
const md5 = (text: string) => createHash("md5").update(text).digest("hex");
/** manifest.json for a bundle whose only listed file is middleware.py, with extra text before the closing brace. */
const manifestText = (extra = "") => `{"file_list":["middleware.py"],"custom_middleware":${JSON.stringify(MIDDLEWARE)},"checksum":"${md5(PY)}"${extra}}`;

/** Info-ZIP's zip over a folder of files (no directory entries needed: the bundles are flat). */
function infoZip(dir: string, out: string, files: Record<string, string | Buffer>): void {
  const src = path.join(dir, `${path.basename(out)}.src`);
  mkdirSync(src, { recursive: true });
  for (const [name, data] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(src, name)), { recursive: true });
    writeFileSync(path.join(src, name), data);
  }
  execFileSync("zip", ["-q", "-r", "-D", "-X", out, "."], { cwd: src });
}

/** tyk-ts's verdict and the Go model's, which must agree. */
async function judged(file: string, options: VerifyOptions = {}, publicKey?: string) {
  const report = await verifyBundle(file, { ...options, ...(publicKey && { publicKey }) });
  const gateway = hasGo ? gatewayVerdict(file, publicKey, options.middlewarePath) : undefined;
  if (gateway && report.verdict !== "unchecked") expect(report.accepted, `${gateway.output} / ${JSON.stringify(report.problems[0])}`).toBe(gateway.accepted);
  return { report, gateway };
}

describe.skipIf(!hasGo || !hasPython)("paths longer than Linux's limit once joined under the gateway's bundle folder", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });

  /** Directory entries of 200-byte names, then a file, so that the file's cleaned name is `length` bytes. */
  function deepEntries(length: number): Array<{ name: string; dir?: boolean; text?: string }> {
    const part = "d".repeat(200);
    const depth = Math.floor((length - 1) / 201) - 1;
    const dirs = Array.from({ length: depth }, (_, i) => `${Array(i + 1).fill(part).join("/")}/`);
    const file = `${dirs.at(-1)}${"f".repeat(length - dirs.at(-1)!.length)}`;
    return [...dirs.map((name) => ({ name, dir: true })), { name: file, text: "x" }];
  }

  // Go's default middleware_path "middleware": the folder is middleware/bundles/<32 hex> (51 bytes),
  // so a name of 4043 bytes joins to 4095 (the longest Linux takes) and one of 4044 fails.
  for (const maker of ["python", "go"] as const) {
    it(`agrees at the boundary on zips written by ${maker === "go" ? "Go's archive/zip" : "Python's zipfile"}`, async () => {
      for (const length of [4043, 4044]) {
        const file = path.join(dir, `${maker}-${length}.zip`);
        const entries = [...deepEntries(length), { name: "middleware.py", text: PY }];
        if (maker === "go") goZip(file, [...entries, { name: "manifest.json", text: manifestText() }]);
        else pythonBundle({ out: file, entries, manifest: { file_list: ["middleware.py"], custom_middleware: MIDDLEWARE } });
        const { report, gateway } = await judged(file);
        if (length === 4043) {
          expect(report.verdict).toBe("accepted");
          // It passes only under a short middleware_path: say so.
          expect(report.problems).toContainEqual(expect.objectContaining({ code: "long-entry-name", message: expect.stringContaining("longer than 10 bytes") }));
        } else {
          expect(gateway!.output).toMatch(/file name too long/);
          expect(report.verdict).toBe("refused");
          expect(report.problems[0]).toMatchObject({ code: "unpack-invalid-name", message: expect.stringMatching(/4096 bytes long once joined under the bundle folder middleware\/bundles\/<md5> \(the gateway's default middleware_path.*"file name too long"/) });
        }
      }
    });
  }

  it("uses the middleware_path of a gateway config (-c), joined as the gateway joins it", async () => {
    const file = path.join(dir, "conf-4030.zip");
    pythonBundle({ out: file, entries: [...deepEntries(4030), { name: "middleware.py", text: PY }], manifest: { file_list: ["middleware.py"], custom_middleware: MIDDLEWARE } });
    // Relative, so that the Go model creates it inside its own temporary folder; as long as /opt/tyk-gateway/middleware.
    const middlewarePath = "tyk-gateway/opt/middleware-";
    expect(middlewarePath.length).toBe("/opt/tyk-gateway/middleware".length);
    expect((await judged(file)).report.verdict).toBe("accepted");
    const { report, gateway } = await judged(file, { middlewarePath });
    expect(gateway!.output).toMatch(/file name too long/);
    expect(report.problems[0]).toMatchObject({ code: "unpack-invalid-name", message: expect.stringContaining(`under the bundle folder ${middlewarePath}/bundles/<md5>, beyond`) });
    const conf = path.join(dir, "tyk.conf");
    writeFileSync(conf, JSON.stringify({ middleware_path: middlewarePath }));
    const cli = await runCli(["bundle", "verify", "-c", conf, file]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/refused[\s\S]*file name too long/);
  });
});

describe.skipIf(!hasGo || !hasTool("zip"))("manifest JSON nesting: Go's exact limit, without recursion", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });

  // The manifest object itself is one level: `x` adds depth - 1.
  const nested = {
    arrays: (depth: number) => `${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}`,
    objects: (depth: number) => `${'{"a":'.repeat(depth - 2)}{}${"}".repeat(depth - 2)}`,
  };
  for (const [kind, value] of Object.entries(nested)) {
    it(`accepts ${kind} nested 10000 levels deep and refuses 10001, as Go's decoder does`, async () => {
      for (const depth of [9999, 10_000, 10_001]) {
        const file = path.join(dir, `${kind}-${depth}.zip`);
        infoZip(dir, file, { "middleware.py": PY, "manifest.json": manifestText(`,"x":${value(depth)}`) });
        const { report, gateway } = await judged(file);
        expect(gateway!.accepted).toBe(depth <= 10_000);
        if (depth > 10_000) {
          expect(gateway!.output).toMatch(/exceeded max depth/);
          expect(report.problems[0]).toMatchObject({ code: "manifest-invalid-json", message: expect.stringContaining('nesting deeper than 10000 levels at line 1, column') });
          expect(report.problems[0]!.message).toContain('("exceeded max depth")');
        }
      }
    });
  }
});

describe.skipIf(!hasGo || !hasTool("zip"))("manifest size: a limit that says so, and a flag to raise it", () => {
  let dir: string;
  let big: string;
  beforeAll(async () => {
    dir = await tempDir();
    big = path.join(dir, "big-manifest.zip");
    // Random text, so that the compression ratio limit does not stop it first.
    infoZip(dir, big, { "middleware.py": PY, "manifest.json": manifestText(`,"notes":"${randomBytes(7 * 1024 * 1024).toString("base64")}"`) });
  });

  it("leaves a manifest larger than the limit unchecked, naming the limit, and judges it once raised", async () => {
    const { report, gateway } = await judged(big);
    expect(gateway!.accepted).toBe(true);
    expect(report).toMatchObject({ verdict: "unchecked", accepted: false, limit: { code: "manifest", value: 8 * 1024 * 1024 } });
    expect(report.problems).toEqual([expect.objectContaining({ severity: "warning", code: "limit-manifest", message: expect.stringContaining("larger than the 8388608 bytes tyk-ts reads") })]);
    expect(report.problems[0]!.message).not.toMatch(/not valid JSON/);
    expect((await judged(big, { limits: { maxManifestSize: 16 * 1024 * 1024 } })).report.verdict).toBe("accepted");
  });

  it("--max-manifest-size raises it from the command line; the limit is named with its flag", async () => {
    const over = await runCli(["bundle", "verify", big]);
    expect(over.code).toBe(1);
    expect(over.stdout).toMatch(/big-manifest\.zip: unchecked \(over tyk-ts's manifest size limit \(8388608 bytes\), which the gateway does not have; if the bundle is genuine, raise it with --max-manifest-size\)/);
    const raised = await runCli(["bundle", "verify", "--max-manifest-size", "16MiB", big]);
    expect(raised.code).toBe(0);
    expect(raised.stdout).toMatch(/accepted/);
  });

  it("a small manifest after a large junk tail is read as Go reads it: the first value only", async () => {
    const file = path.join(dir, "junk-tail.zip");
    infoZip(dir, file, { "middleware.py": PY, "manifest.json": `${manifestText()}\n${randomBytes(7 * 1024 * 1024).toString("base64")}` });
    expect((await judged(file)).report.verdict).toBe("accepted");
  });

  it("a valid manifest cut anywhere by the limit is unchecked, never refused; a real early error is still refused", async () => {
    const valid = manifestText(`,"x":[true,false,null,-1.5e3,"s\\u00e9",{"k":[]}],"y":"${"é".repeat(20)}"`);
    const file = path.join(dir, "cut.zip");
    writeFileSync(file, buildZip([{ name: "middleware.py", data: PY }, { name: "manifest.json", data: valid }]));
    for (let limit = 1; limit < Buffer.byteLength(valid); limit++) {
      const report = await verifyBundle(file, { limits: { maxManifestSize: limit } });
      expect(report.verdict, `limit ${limit}: ${report.problems[0]?.message}`).toBe("unchecked");
    }
    const broken = path.join(dir, "broken-early.zip");
    writeFileSync(broken, buildZip([{ name: "middleware.py", data: PY }, { name: "manifest.json", data: `{"file_list": [,]${" ".repeat(200)}}` }]));
    for (const limit of [40, 100, 1000]) expect((await verifyBundle(broken, { limits: { maxManifestSize: limit } })).verdict).toBe("refused");
  });

  it("an unterminated string is where the text ends, as Go reports it (unexpected EOF)", async () => {
    const file = path.join(dir, "unterminated.zip");
    const text = '{"file_list": ["middleware.py"], "checksum": "abc';
    infoZip(dir, file, { "middleware.py": PY, "manifest.json": text });
    const { report, gateway } = await judged(file);
    expect(gateway!.output).toMatch(/unexpected EOF/);
    expect(report.problems[0]).toMatchObject({
      code: "manifest-invalid-json",
      message: expect.stringContaining(`unterminated string: the string that starts at line 1, column 46 has no closing '"' at line 1, column ${text.length + 1}`),
    });
    expect(report.problems[0]!.message).toContain('("unexpected EOF")');
  });
});

describe.skipIf(!hasGo || !hasTool("zip"))("safety limits give a third verdict, unchecked", () => {
  let dir: string;
  let bomb: string;
  beforeAll(async () => {
    dir = await tempDir();
    bomb = path.join(dir, "zeros.zip");
    infoZip(dir, bomb, { "middleware.py": PY, "zeros.bin": Buffer.alloc(16 * 1024 * 1024), "manifest.json": manifestText() });
  });

  it("reports the limit in every format, fails CI (exit 1), and says the gateway has no such limit", async () => {
    const json = await runCli(["bundle", "verify", "--format", "json", bomb]);
    expect(json.code).toBe(1);
    const [report] = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(report).toMatchObject({ verdict: "unchecked", accepted: false, limit: { code: "ratio", value: 100, flag: "--max-ratio" } });
    expect(report!.problems).toEqual([{ severity: "warning", code: "limit-ratio", message: expect.stringContaining("the gateway has no such limit") }]);

    const text = await runCli(["bundle", "verify", bomb]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/zeros\.zip: unchecked \(over tyk-ts's compression ratio limit \(100:1\).*raise it with --max-ratio\)/);

    const junit = await runCli(["bundle", "verify", "--format", "junit", bomb]);
    expect(junit.stdout).toMatch(/failures="0" errors="1"/);
    expect(junit.stdout).toMatch(/<error message="unchecked: over tyk-ts&apos;s compression ratio limit \(100:1\)[^"]*--max-ratio" type="limit-ratio">/);

    const github = await runCli(["bundle", "verify", "--format", "github", bomb]);
    expect(github.stdout).toMatch(/^::warning file=[^,]+zeros\.zip,title=bundle verify%3A limit-ratio::.*raise it with --max-ratio\)$/m);
    expect(github.stdout).toMatch(/zeros\.zip: unchecked$/m);

    const raised = await runCli(["bundle", "verify", "--max-ratio", "2000", bomb]);
    expect(raised.code).toBe(0);
    expect(gatewayVerdict(bomb).accepted).toBe(true);
  });

  it("is refused, not unchecked, when the names alone make the gateway refuse it", async () => {
    const file = path.join(dir, "zeros-nested.zip");
    // -D writes no directory entries: the gateway cannot create lib/zeros.bin.
    infoZip(dir, file, { "middleware.py": PY, "lib/zeros.bin": Buffer.alloc(16 * 1024 * 1024), "manifest.json": manifestText() });
    const report = await verifyBundle(file);
    expect(gatewayVerdict(file).accepted).toBe(false);
    expect(report).toMatchObject({ verdict: "refused", limit: null });
    expect(report.problems.map((p) => p.code)).toEqual(["unpack-missing-directory", "limit-ratio"]);
  });

  it("bundle inspect shows the verdict", async () => {
    const r = await runCli(["bundle", "inspect", "--json", bomb]);
    expect(JSON.parse(r.stdout)).toMatchObject({ verdict: "unchecked", accepted: false, limit: { code: "ratio", value: 100 } });
  });
});

describe.skipIf(!hasTool("openssl") || !hasPython)("RSA keys under 1024 bits: the verdict depends on the gateway's Go", () => {
  let dir: string;
  let bundle: string;
  let pub: string;
  beforeAll(async () => {
    dir = await tempDir();
    const key = path.join(dir, "small.pem");
    pub = path.join(dir, "small.pub.pem");
    execFileSync("openssl", ["genrsa", "-out", key, "512"], { stdio: "pipe" });
    execFileSync("openssl", ["rsa", "-in", key, "-pubout", "-out", pub], { stdio: "pipe" });
    bundle = path.join(dir, "small-key.zip");
    pythonBundle({ out: bundle, entries: [{ name: "middleware.py", text: PY }], manifest: { file_list: ["middleware.py"], custom_middleware: MIDDLEWARE }, sign_key: key });
  });

  it("knows which releases are built with Go 1.24 (5.8.6+ on 5.8, 5.10.0+)", () => {
    expect(["5.7.2", "5.8.0", "5.8.5", "v5.9.2", "4.3.0"].map(builtWithGo124)).toEqual([false, false, false, false, false]);
    expect(["5.8.6", "5.8.15", "5.10.0", "5.13.1", "6.0"].map(builtWithGo124)).toEqual([true, true, true, true, true]);
    expect(builtWithGo124("latest")).toBeUndefined();
  });

  it("is a definite verdict with the gateway version, and a warning naming the versions without", async () => {
    const older = await verifyBundle(bundle, { publicKey: pub, gatewayVersion: "5.8.5" });
    expect(older).toMatchObject({ verdict: "accepted", problems: [] });
    // Go 1.19 here, like the gateways built before Go 1.24, accepts it.
    if (hasGo) expect(gatewayVerdict(bundle, pub).accepted).toBe(true);
    const newer = await verifyBundle(bundle, { publicKey: pub, gatewayVersion: "5.8.6" });
    expect(newer.verdict).toBe("refused");
    expect(newer.problems[0]).toMatchObject({
      code: "signature-key-too-small",
      message: expect.stringContaining('("crypto/rsa: 512-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)"), and gateway 5.8.6 is one of them'),
    });
    const unknown: BundleReport = await verifyBundle(bundle, { publicKey: pub });
    expect(unknown.verdict).toBe("accepted");
    expect(unknown.problems).toEqual([expect.objectContaining({ severity: "warning", code: "signature-key-too-small", message: expect.stringContaining("5.8.6 and later 5.8 releases, and 5.10.0 and later") })]);
  });

  it("--gateway-version on the command line; a malformed one is a usage error", async () => {
    const r = await runCli(["bundle", "verify", "-k", pub, "--gateway-version", "5.10.0", bundle]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/refused[\s\S]*512-bit keys are insecure/);
    expect((await runCli(["bundle", "verify", "-k", pub, "--gateway-version", "5.9.2", bundle])).code).toBe(0);
    const bad = await runCli(["bundle", "verify", "-k", pub, "--gateway-version", "latest", bundle]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/expected a gateway version such as 5\.8\.2, got "latest"/);
  });

  it("keygen never writes a key under 2048 bits", async () => {
    await expect(generateKeyPair({ out: path.join(dir, "k.pem"), bits: 1024 })).rejects.toThrow(/2048, 3072, 4096/);
  });
});

describe("zip reasons in Go's words (hand-made bytes)", () => {
  let dir: string;
  let n = 0;
  beforeAll(async () => {
    dir = await tempDir();
  });
  const manifestEntry: RawEntry = { name: "manifest.json", data: manifestText() };

  async function verifyBytes(bytes: Buffer): Promise<{ report: BundleReport; gateway?: string }> {
    const file = path.join(dir, `z${n++}.zip`);
    writeFileSync(file, bytes);
    const { report, gateway } = await judged(file);
    return { report, gateway: gateway?.output };
  }

  it('a local header beyond the end of the file is "EOF", wholly or partly beyond', async () => {
    const length = buildZip([{ name: "middleware.py", data: PY }, manifestEntry]).length;
    for (const headerOffset of [length + 100, length - 10]) {
      const { report, gateway } = await verifyBytes(buildZip([{ name: "middleware.py", data: PY, headerOffset }, manifestEntry]));
      if (gateway !== undefined) expect(gateway).toBe("refused: unpack: EOF");
      expect(report.problems[0]).toMatchObject({ code: "zip-entry-unreadable", message: expect.stringMatching(/beyond the end of the file \(the gateway logs "EOF"\)$/) });
    }
  });

  it("a data-descriptor flag with no descriptor after the data is its own reason", async () => {
    const { report, gateway } = await verifyBytes(buildZip([{ name: "middleware.py", data: PY, descriptorFlagOnly: true }, manifestEntry]));
    if (gateway !== undefined) expect(gateway).toBe("refused: unpack: zip: checksum error");
    expect(report.problems[0]).toMatchObject({
      code: "zip-entry-corrupt",
      message: expect.stringMatching(/flagged as followed by a data descriptor \(general purpose bit 3\), but the bytes after its data are not one.*\("zip: checksum error"\)$/),
    });
  });

  it('a size of 0xFFFFFFFF without a zip64 record is "unexpected EOF", not a zip bomb', async () => {
    for (const method of [0, 8]) {
      const { report, gateway } = await verifyBytes(buildZip([{ name: "middleware.py", data: PY, method, uncompressedSize: 0xffffffff }, manifestEntry]));
      if (gateway !== undefined) expect(gateway).toBe("refused: unpack: unexpected EOF");
      expect(report).toMatchObject({ verdict: "refused", limit: null });
      expect(report.problems[0]).toMatchObject({ code: "zip-entry-corrupt", message: expect.stringMatching(/declares 4294967295 \(0xFFFFFFFF, zip64's marker, but the entry has no zip64 size record\); the gateway's unpack fails \("unexpected EOF"\)$/) });
    }
  });
});
