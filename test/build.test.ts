/**
 * `bundle build`: bundles that real tools read, the gateway's checksum and signature, reproducible
 * bytes, and a refusal (exit 2, nothing written) for every manifest the gateway would not load.
 */
import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildBundle } from "../src/bundle/build.js";
import { FIXTURES, ROOT, runCli } from "./helpers/cli.js";
import { gatewayVerdict, hasGo } from "./helpers/gateway-loader.js";
import { hasTool, writeTestKeys, type TestKeys } from "./helpers/keys.js";
import { tempDir } from "./helpers/tmp.js";

const PYTHON_FILES = ["middleware.py", "helpers/__init__.py", "helpers/headers.py"];

let keys: TestKeys;
let keyDir: string;
beforeAll(async () => {
  keyDir = await tempDir();
  keys = writeTestKeys(keyDir);
});

/** A copy of the python fixture the test may change. */
async function pluginCopy(): Promise<string> {
  const dir = await tempDir();
  cpSync(path.join(FIXTURES, "python-plugin"), dir, { recursive: true });
  return dir;
}

/** A plugin folder with the given manifest and files. */
async function plugin(manifest: unknown, files: Record<string, string> = {}): Promise<string> {
  const dir = await tempDir();
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  writeFileSync(path.join(dir, "manifest.json"), typeof manifest === "string" ? manifest : JSON.stringify(manifest, null, 2));
  return dir;
}

const hooks = { driver: "python", pre: [{ name: "Pre" }] };

function zipNames(zip: string): string[] {
  return execFileSync("python3", ["-c", "import sys,zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", zip], { encoding: "utf8" })
    .trim()
    .split("\n");
}

function bundledManifest(zip: string): Record<string, unknown> {
  return JSON.parse(execFileSync("unzip", ["-p", zip, "manifest.json"], { encoding: "utf8" })) as Record<string, unknown>;
}

describe.skipIf(!hasTool("unzip") || !hasTool("python3") || !hasTool("openssl"))("bundles real tools accept", () => {
  it("builds the python fixture: unzip -t passes, folders come before their files, manifest last", async () => {
    const out = path.join(await tempDir(), "bundle.zip");
    const res = await runCli(["bundle", "build", "-m", "fixtures/python-plugin/manifest.json", "-o", out, "-y"]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("checksum");
    expect(execFileSync("unzip", ["-t", out], { encoding: "utf8" })).toContain("No errors detected");
    expect(zipNames(out)).toEqual(["middleware.py", "helpers/", "helpers/__init__.py", "helpers/headers.py", "manifest.json"]);
  });

  it("writes the MD5 md5sum computes over the listed files in order", async () => {
    const out = path.join(await tempDir(), "b.zip");
    const result = await buildBundle({ manifest: path.join(FIXTURES, "python-plugin/manifest.json"), output: out });
    const md5 = execFileSync("sh", ["-c", `cat ${PYTHON_FILES.join(" ")} | md5sum`], { cwd: path.join(FIXTURES, "python-plugin"), encoding: "utf8" }).split(" ")[0];
    expect(result.checksum).toBe(md5);
    expect(bundledManifest(out).checksum).toBe(md5);
    expect(result.signed).toBe(false);
  });

  it("signs so that openssl dgst -sha256 -verify accepts the signature (PKCS#1 and PKCS#8 keys)", async () => {
    for (const key of [keys.privatePkcs1, keys.privatePkcs8]) {
      const dir = await tempDir();
      const out = path.join(dir, "signed.zip");
      const res = await runCli(["bundle", "build", "-m", "fixtures/python-plugin/manifest.json", "-o", out, "-k", key]);
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(/signed\s+yes, key SHA256:[0-9a-f]{64}/);
      const manifest = bundledManifest(out);
      writeFileSync(path.join(dir, "sig.bin"), Buffer.from(manifest.signature as string, "base64"));
      const data = Buffer.concat(PYTHON_FILES.map((f) => readFileSync(path.join(FIXTURES, "python-plugin", f))));
      writeFileSync(path.join(dir, "data.bin"), data);
      const verified = execFileSync("openssl", ["dgst", "-sha256", "-verify", keys.publicSpki, "-signature", path.join(dir, "sig.bin"), path.join(dir, "data.bin")], { encoding: "utf8" });
      expect(verified.trim()).toBe("Verified OK");
    }
  });

  it("unpacks in a loader that behaves like the gateway (nested folders need directory entries)", async () => {
    const dir = await tempDir();
    const out = path.join(dir, "b.zip");
    await buildBundle({ manifest: path.join(FIXTURES, "python-plugin/manifest.json"), output: out });
    mkdirSync(path.join(dir, "unpacked"));
    const verdict = execFileSync("python3", [path.join(ROOT, "test/support/gateway_unpack.py"), out, path.join(dir, "unpacked")], { encoding: "utf8" });
    expect(verdict).toMatch(/^ok [0-9a-f]{32}/);
  });

  it("round-trips files across deflate pieces and empty files byte for byte", async () => {
    const big = Buffer.alloc(3 * (1 << 20) + 12345);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
    const dir = await plugin({ file_list: ["middleware.py", "empty.py", "data/big.bin"], custom_middleware: hooks }, { "middleware.py": "pass\n", "empty.py": "" });
    mkdirSync(path.join(dir, "data"));
    writeFileSync(path.join(dir, "data/big.bin"), big);
    const out = path.join(dir, "b.zip");
    await buildBundle({ manifest: path.join(dir, "manifest.json"), output: out });
    expect(execFileSync("unzip", ["-p", out, "data/big.bin"], { maxBuffer: 1 << 26 }).equals(big)).toBe(true);
    expect(execFileSync("unzip", ["-p", out, "empty.py"]).length).toBe(0);
    expect(execFileSync("python3", ["-c", "import sys,zipfile; print(zipfile.ZipFile(sys.argv[1]).testzip())", out], { encoding: "utf8" }).trim()).toBe("None");
  });

  it.skipIf(!hasGo)("is accepted by a loader built on the gateway's Go libraries, signed and checked with the public key", async () => {
    const out = path.join(await tempDir(), "signed.zip");
    await buildBundle({ manifest: path.join(FIXTURES, "python-plugin/manifest.json"), output: out, key: keys.privatePkcs1 });
    expect(gatewayVerdict(out, keys.publicSpki)).toEqual({ accepted: true, output: "accepted" });
    expect(gatewayVerdict(out, keys.publicPkcs1).accepted).toBe(true);
    const other = writeTestKeys(await tempDir(), "other");
    expect(gatewayVerdict(out, other.publicSpki).output).toMatch(/^refused: crypto\/rsa: verification error/);
  });

  it("keeps every manifest field, sets checksum and signature, and leaves the manifest on disk untouched", async () => {
    const dir = await plugin({ file_list: ["middleware.py"], custom_middleware: hooks, x_team: { owner: "payments" }, checksum: "stale", Signature: "old" }, { "middleware.py": "print(1)\n" });
    const before = readFileSync(path.join(dir, "manifest.json"));
    const out = path.join(dir, "b.zip");
    await buildBundle({ manifest: path.join(dir, "manifest.json"), output: out });
    const m = bundledManifest(out);
    expect(m.x_team).toEqual({ owner: "payments" });
    expect(m.Signature).toBeUndefined();
    expect(m.checksum).toMatch(/^[0-9a-f]{32}$/);
    expect(m.signature).toBe("");
    expect(readFileSync(path.join(dir, "manifest.json"))).toEqual(before);
  });
});

describe("reproducible bytes", () => {
  it("gives the same zip whatever the files' times, the time zone and the working directory", async () => {
    const a = await pluginCopy();
    const b = await pluginCopy();
    for (const f of PYTHON_FILES) utimesSync(path.join(b, f), new Date("2031-05-06T07:08:09Z"), new Date("2031-05-06T07:08:09Z"));
    const outA = path.join(await tempDir(), "a.zip");
    const outB = path.join(await tempDir(), "b.zip");
    const [ra, rb] = await Promise.all([
      runCli(["bundle", "build", "-m", path.join(a, "manifest.json"), "-o", outA, "-k", keys.privatePkcs8], { env: { TZ: "UTC" } }),
      runCli(["bundle", "build", "-m", "manifest.json", "-o", outB, "-k", keys.privatePkcs1], { cwd: b, env: { TZ: "Pacific/Kiritimati" } }),
    ]);
    expect([ra.code, rb.code]).toEqual([0, 0]);
    expect(readFileSync(outA).equals(readFileSync(outB))).toBe(true);
  });
});

describe("keys", () => {
  it("reads an encrypted key with TYK_TS_KEY_PASSPHRASE and names a wrong passphrase", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const enc = path.join(keyDir, "enc.pem");
    writeFileSync(enc, privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "s3cret" }));
    const out = path.join(await tempDir(), "b.zip");
    const ok = await runCli(["bundle", "build", "-m", "fixtures/python-plugin/manifest.json", "-o", out, "-k", enc], { env: { TYK_TS_KEY_PASSPHRASE: "s3cret" } });
    expect(ok.code).toBe(0);
    const wrong = await runCli(["bundle", "build", "-m", "fixtures/python-plugin/manifest.json", "-o", out, "-k", enc], { env: { TYK_TS_KEY_PASSPHRASE: "nope" } });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("wrong passphrase");
    const none = await runCli(["bundle", "build", "-m", "fixtures/python-plugin/manifest.json", "-o", out, "-k", enc]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("TYK_TS_KEY_PASSPHRASE");
  });

  it("refuses a public key, a non-RSA key and a file that is not a key, without printing key material", async () => {
    const { privateKey: ec } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const ecPath = path.join(keyDir, "ec.pem");
    writeFileSync(ecPath, ec.export({ type: "pkcs8", format: "pem" }));
    const junk = path.join(keyDir, "junk.pem");
    writeFileSync(junk, "hello");
    const out = path.join(await tempDir(), "b.zip");
    const cases: Array<[string, RegExp]> = [
      [keys.publicSpki, /is a public key, but signing needs the private key/],
      [ecPath, /is an EC key; the gateway only supports RSA/],
      [junk, /is not a PEM key/],
    ];
    for (const [key, message] of cases) {
      const res = await runCli(["bundle", "build", "-m", "fixtures/python-plugin/manifest.json", "-o", out, "-k", key]);
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(message);
      expect(res.stderr + res.stdout).not.toContain("PRIVATE KEY");
      expect(existsSync(out)).toBe(false);
    }
  });
});

describe("refusals: exit 2, the entry named, nothing written", () => {
  const cases: Array<{ name: string; manifest: unknown; files?: Record<string, string>; setup?: (dir: string) => void; message: RegExp }> = [
    { name: "a missing file", manifest: { file_list: ["middleware.py", "gone.py"], custom_middleware: hooks }, files: { "middleware.py": "" }, message: /file_list\[1\] "gone.py" does not exist \(looked in / },
    { name: "a directory", manifest: { file_list: ["middleware.py", "lib"], custom_middleware: hooks }, files: { "middleware.py": "", "lib/a.py": "" }, message: /file_list\[1\] "lib" is a directory/ },
    { name: "an absolute path", manifest: { file_list: ["/etc/hostname"], custom_middleware: hooks }, message: /file_list\[0\] "\/etc\/hostname" is an absolute path/ },
    { name: "a path leaving the manifest's directory", manifest: { file_list: ["../outside.py"], custom_middleware: hooks }, message: /file_list\[0\] "..\/outside.py" leaves the bundle directory/ },
    {
      name: "a symlink pointing outside",
      manifest: { file_list: ["middleware.py"], custom_middleware: hooks },
      setup: (dir) => symlinkSync("/etc/hostname", path.join(dir, "middleware.py")),
      message: /file_list\[0\] "middleware.py" resolves through a symlink to .*outside the manifest's directory/,
    },
    { name: "a name the gateway's unpacker refuses", manifest: { file_list: ["..hidden.py"], custom_middleware: hooks }, files: { "..hidden.py": "" }, message: /file_list\[0\] "..hidden.py" starts with ".."/ },
    { name: "a duplicate entry", manifest: { file_list: ["middleware.py", "./middleware.py"], custom_middleware: hooks }, files: { "middleware.py": "" }, message: /file_list\[1\] ".\/middleware.py" is listed twice \(also file_list\[0\]\)/ },
    { name: "manifest.json itself", manifest: { file_list: ["manifest.json"], custom_middleware: hooks }, message: /file_list\[0\] "manifest.json" is the manifest itself/ },
    { name: "no hooks", manifest: { file_list: ["middleware.py"], custom_middleware: { driver: "python" } }, files: { "middleware.py": "" }, message: /defines no hooks/ },
    { name: "no driver", manifest: { file_list: [], custom_middleware: { pre: [{ name: "P" }] } }, message: /custom_middleware.driver is empty/ },
    { name: "an unknown driver", manifest: { file_list: [], custom_middleware: { driver: "pyhton", pre: [{ name: "P" }] } }, message: /"pyhton" is not a driver the gateway knows.*did you mean "python"/ },
    { name: "a value of the wrong JSON type", manifest: { file_list: "middleware.py", custom_middleware: hooks }, message: /file_list must be an array, found a string \(line 2, column 16\)/ },
    { name: "invalid JSON", manifest: '{\n  "file_list": ["a.py",],\n  "custom_middleware": {}\n}', message: /manifest.json:2:24: invalid JSON: trailing comma before '\]'$/m },
  ];

  for (const c of cases) {
    it(`refuses ${c.name}`, async () => {
      const dir = await plugin(c.manifest, c.files);
      c.setup?.(dir);
      const res = await runCli(["bundle", "build", "-y"], { cwd: dir });
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(c.message);
      expect(res.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(readdirSync(dir).filter((f) => f.endsWith(".zip") || f.endsWith(".tmp"))).toEqual([]);
    });
  }

  it("refuses to overwrite a file that is not a zip unless --force", async () => {
    const dir = await pluginCopy();
    writeFileSync(path.join(dir, "notes.txt"), "precious");
    const res = await runCli(["bundle", "build", "-y", "-o", "notes.txt"], { cwd: dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("is not a zip file; refusing to overwrite");
    expect(readFileSync(path.join(dir, "notes.txt"), "utf8")).toBe("precious");
    const forced = await runCli(["bundle", "build", "-y", "-o", "notes.txt", "--force"], { cwd: dir });
    expect(forced.code).toBe(0);
  });

  it("replaces an earlier bundle (the edit-build loop)", async () => {
    const dir = await pluginCopy();
    expect((await runCli(["bundle", "build", "-y"], { cwd: dir })).code).toBe(0);
    writeFileSync(path.join(dir, "middleware.py"), "# changed\n");
    expect((await runCli(["bundle", "build", "-y"], { cwd: dir })).code).toBe(0);
    expect(execFileSync("unzip", ["-p", path.join(dir, "bundle.zip"), "middleware.py"], { encoding: "utf8" })).toBe("# changed\n");
  });
});

describe("warnings: the gateway loads it, but it probably will not work (exit 0)", () => {
  it("warns about a python bundle without middleware.py", async () => {
    const dir = await plugin({ file_list: ["a.py", "b.py"], custom_middleware: hooks }, { "a.py": "", "b.py": "" });
    const res = await runCli(["bundle", "build", "-y"], { cwd: dir });
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/warning python bundle without middleware.py/);
  });

  it("warns about a goplugin hook whose path is not in file_list", async () => {
    const dir = await plugin({ file_list: ["other.so"], custom_middleware: { driver: "goplugin", pre: [{ name: "AddHeader", path: "plugin.so" }] } }, { "other.so": "x" });
    const res = await runCli(["bundle", "build", "-y"], { cwd: dir });
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/pre hook "AddHeader" loads "plugin.so", which is not in file_list/);
  });

  it("warns when a file compresses beyond what bundle verify accepts by default", async () => {
    const dir = await plugin({ file_list: ["middleware.py", "table.bin"], custom_middleware: hooks }, { "middleware.py": "pass\n" });
    writeFileSync(path.join(dir, "table.bin"), Buffer.alloc(3 << 20));
    const res = await runCli(["bundle", "build", "-y"], { cwd: dir });
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/warning "table.bin" compresses \d+:1, beyond the 100:1 that `bundle verify` checks by default/);
    expect((await runCli(["bundle", "verify", "bundle.zip"], { cwd: dir })).code).toBe(1);
    expect((await runCli(["bundle", "verify", "bundle.zip", "--max-ratio", "2000"], { cwd: dir })).code).toBe(0);
  });

  it("warns that a signed manifest-only bundle's signature protects nothing", async () => {
    const out = path.join(await tempDir(), "grpc.zip");
    const res = await runCli(["bundle", "build", "-m", "fixtures/grpc-plugin/manifest.json", "-o", out, "-k", keys.privatePkcs8]);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/file_list is empty, so the signature covers no data/);
    expect(res.stdout).toContain("d41d8cd98f00b204e9800998ecf8427e");
  });
});

describe("the command line", () => {
  it("asks for -y or -k instead of waiting when stdin is not a terminal", async () => {
    const res = await runCli(["bundle", "build", "-m", "fixtures/python-plugin/manifest.json", "-o", path.join(await tempDir(), "b.zip")]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("pass -k <private.pem> to sign the bundle, or -y");
  });

  it("accepts the single-dash long options from Tyk's docs", async () => {
    const dir = await pluginCopy();
    const res = await runCli(["bundle", "build", "-manifest", "manifest.json", "-output", "mybundle.zip", "-key", keys.privatePkcs1], { cwd: dir });
    expect(res.code).toBe(0);
    expect(existsSync(path.join(dir, "mybundle.zip"))).toBe(true);
    const unsigned = await runCli(["bundle", "build", "-output", "u.zip", "-skip-signing"], { cwd: dir });
    expect(unsigned.code).toBe(0);
    expect(bundledManifest(path.join(dir, "u.zip")).signature).toBe("");
  });

  it("prints a JSON result with --json, and nothing but the result on stdout", async () => {
    const out = path.join(await tempDir(), "b.zip");
    const res = await runCli(["bundle", "build", "-m", "fixtures/python-plugin/manifest.json", "-o", out, "-y", "--json"]);
    const result = JSON.parse(res.stdout) as { files: unknown[]; checksum: string; signed: boolean; output: string };
    expect(result.files).toHaveLength(3);
    expect(result.checksum).toMatch(/^[0-9a-f]{32}$/);
    expect(result.output).toBe(out);
  });

  it("suggests the closest command for a typo", async () => {
    const res = await runCli(["bundle", "biuld"]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("Did you mean build?");
  });
});

describe("interrupting a build", () => {
  it("removes temporary files an earlier, killed build abandoned, and keeps fresh ones", async () => {
    const dir = await pluginCopy();
    const abandoned = path.join(dir, ".bundle.zip.0123456789ab.tmp");
    const live = path.join(dir, ".bundle.zip.ba9876543210.tmp");
    writeFileSync(abandoned, "partial");
    writeFileSync(live, "being written");
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(abandoned, hourAgo, hourAgo);
    expect((await runCli(["bundle", "build", "-y"], { cwd: dir })).code).toBe(0);
    expect(existsSync(abandoned)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });

  it("leaves neither a bundle nor a temporary file after SIGINT", async () => {
    const dir = await plugin({ file_list: ["big.bin"], custom_middleware: hooks });
    execFileSync("sh", ["-c", `head -c ${80 << 20} /dev/urandom > big.bin`], { cwd: dir });
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, [path.join(ROOT, "bin/tyk-ts.js"), "bundle", "build", "-y"], { cwd: dir, stdio: "ignore" });
    await new Promise((r) => setTimeout(r, 700));
    child.kill("SIGINT");
    const code = await new Promise<number | null>((r) => child.on("close", r));
    expect(code).not.toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["big.bin", "manifest.json"]);
  });
});
