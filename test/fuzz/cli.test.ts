/**
 * Every command through the built CLI, as a user or a script runs it, on hostile input: exit 0, 1 or
 * 2 with a message, never a stack trace, an "unexpected failure", a hang or a memory climb, and
 * nothing written outside the one output the command was asked for (each run gets its own HOME and
 * TMPDIR inside a sandbox whose every file is compared before and after).
 */
import { spawn, spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";
import { hasTool } from "../helpers/keys.js";
import { tempDir } from "../helpers/tmp.js";
import { buildZip } from "../helpers/zip-builder.js";
import { checkProperty, FUZZ_SEED, testTimeoutMs } from "./budget.js";
import { pollPeakRss } from "../helpers/memory.js";

const CLI = path.join(ROOT, "bin/tyk-ts.js");
/** A stack frame as Node prints it. */
const STACK_FRAME = /^\s+at .+(\(|:\d+)/m;
const RSS_LIMIT_MIB = 300;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  peakRssMiB: number;
  timedOut: boolean;
}

/** Spawns the CLI in `cwd` with its own HOME and TMPDIR, polling its peak RSS until it exits. */
function run(args: string[], cwd: string, options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; closeStdoutAfter?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined, HOME: path.join(sandbox, "home"), TMPDIR: path.join(sandbox, "tmp"), ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      // A reader that stops early, like `| head`.
      if (options.closeStdoutAfter !== undefined && stdout.length >= options.closeStdoutAfter) child.stdout.destroy();
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    if (options.closeStdoutAfter === 0) child.stdout.destroy();
    const memory = pollPeakRss(child.pid);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs ?? 20_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const peakKb = memory.stop();
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, peakRssMiB: peakKb / 1024, timedOut });
    });
    child.stdin.end();
  });
}

/** What every run must satisfy, whatever the input. */
function expectWellBehaved(r: Run, context: string): void {
  const shown = `${context}\nexit ${r.code} signal ${r.signal}\nstdout: ${r.stdout.slice(0, 800)}\nstderr: ${r.stderr.slice(0, 1500)}`;
  expect(r.timedOut, `hung: ${shown}`).toBe(false);
  expect([0, 1, 2], shown).toContain(r.code);
  expect((r.stdout + r.stderr).trim().length, `no message: ${shown}`).toBeGreaterThan(0);
  expect(r.stderr, shown).not.toMatch(STACK_FRAME);
  expect(r.stdout, shown).not.toMatch(STACK_FRAME);
  expect(r.stderr, shown).not.toMatch(/unexpected failure/);
  // Findings (1) are the report on stdout; a usage or input error (2) must say what went wrong.
  if (r.code === 2) expect(r.stderr.trim().length, `failed silently: ${shown}`).toBeGreaterThan(0);
  expect(r.peakRssMiB, shown).toBeLessThan(RSS_LIMIT_MIB);
}

let sandbox: string;
let work: string;

/** Every file under the sandbox with its size and mtime, to see what a run wrote. */
function snapshot(): Map<string, string> {
  const out = new Map<string, string>();
  for (const rel of readdirSync(sandbox, { recursive: true, encoding: "utf8" })) {
    try {
      const s = statSync(path.join(sandbox, rel));
      out.set(rel, s.isDirectory() ? "dir" : `${s.size}:${s.mtimeMs}`);
    } catch {
      // vanished
    }
  }
  return out;
}

function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed: string[] = [];
  for (const [k, v] of after) if (before.get(k) !== v && before.get(k) !== "dir") changed.push(k);
  for (const k of before.keys()) if (!after.has(k)) changed.push(`deleted ${k}`);
  return changed.sort();
}

/** Runs a command and checks it wrote nothing but `outputs` (paths relative to the sandbox). */
async function runContained(args: string[], outputs: string[] = [], options: Parameters<typeof run>[2] = {}): Promise<Run> {
  const before = snapshot();
  const r = await run(args, work, options);
  const context = `tyk-ts ${args.join(" ").slice(0, 300)}`;
  expectWellBehaved(r, context);
  const written = changes(before, snapshot()).filter((p) => !outputs.includes(p));
  expect(written, `wrote outside its output: ${context}`).toEqual([]);
  return r;
}

beforeAll(async () => {
  sandbox = await tempDir("tyk-ts-fuzz-cli-");
  work = path.join(sandbox, "work");
  for (const d of ["home", "tmp", "work/plugin/lib", "work/keys", "work/apis"]) mkdirSync(path.join(sandbox, d), { recursive: true });
  writeFileSync(path.join(work, "plugin/middleware.py"), "def Pre(request, session, spec):\n    return request, session\n");
  writeFileSync(path.join(work, "plugin/lib/util.py"), "X = 1\n");
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeFileSync(path.join(work, "keys/private.pem"), privateKey.export({ type: "pkcs8", format: "pem" }));
  writeFileSync(path.join(work, "keys/public.pem"), publicKey.export({ type: "spki", format: "pem" }));
  // A public key with PEM encryption headers: OpenSSL asks a terminal for a passphrase if let.
  writeFileSync(
    path.join(work, "keys/encrypted-public.pem"),
    privateKey.export({ type: "pkcs1", format: "pem", cipher: "aes-128-cbc", passphrase: "x" }).toString().replace(/RSA PRIVATE KEY/g, "PUBLIC KEY"),
  );
  writeFileSync(path.join(work, "keys/garbage.pem"), "-----BEGIN PRIVATE KEY-----\nnot base64 at all!\n-----END PRIVATE KEY-----\n");
});

const PYTHON_MANIFEST = { file_list: ["middleware.py", "lib/util.py"], custom_middleware: { driver: "python", pre: [{ name: "Pre" }] } };

describe("bundle build through the CLI", () => {
  const manifests: Array<[string, string]> = [
    ["a valid manifest", JSON.stringify(PYTHON_MANIFEST)],
    ["a BOM", `\uFEFF${JSON.stringify(PYTHON_MANIFEST)}`],
    ["a comment", `// build me\n${JSON.stringify(PYTHON_MANIFEST)}`],
    ["nesting 100,000 deep", `{"x": ${"[".repeat(100_000)}${"]".repeat(100_000)}, "custom_middleware": {"driver": "python", "pre": [{"name": "Pre"}]}}`],
    ["file_list as a string", JSON.stringify({ ...PYTHON_MANIFEST, file_list: "middleware.py" })],
    ["a path out of the folder", JSON.stringify({ ...PYTHON_MANIFEST, file_list: ["../keys/private.pem"] })],
    ["an absolute path", JSON.stringify({ ...PYTHON_MANIFEST, file_list: ["/etc/hostname"] })],
    ["a 30 MB string", JSON.stringify({ ...PYTHON_MANIFEST, notes: "n".repeat(30 * 1024 * 1024) })],
    ["an empty file", ""],
    ["binary garbage", Buffer.from([0, 159, 146, 150, 255, 0xfe]).toString("latin1")],
  ];
  for (const [what, text] of manifests) {
    it(`ends cleanly on a manifest with ${what}`, async () => {
      writeFileSync(path.join(work, "plugin/manifest.json"), text);
      const r = await runContained(["bundle", "build", "-m", "plugin/manifest.json", "-o", "out.zip", "-k", "keys/private.pem"], ["work/out.zip", "work/plugin/manifest.json"]);
      expect([0, 2]).toContain(r.code);
      spawnSync("rm", ["-f", path.join(work, "out.zip")]);
    });
  }

  it("refuses a garbage key and a missing key file without printing key material", async () => {
    writeFileSync(path.join(work, "plugin/manifest.json"), JSON.stringify(PYTHON_MANIFEST));
    for (const key of ["keys/garbage.pem", "keys/missing.pem", "keys/public.pem", "keys"]) {
      const r = await runContained(["bundle", "build", "-m", "plugin/manifest.json", "-o", "out.zip", "-k", key]);
      expect(r.code, key).toBe(2);
      expect(r.stderr).toContain(key.replace(/^keys$/, "keys"));
    }
  });

  it("names a wrong passphrase for an encrypted key", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(path.join(work, "keys/encrypted.pem"), privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "right" }));
    writeFileSync(path.join(work, "plugin/manifest.json"), JSON.stringify(PYTHON_MANIFEST));
    const r = await runContained(["bundle", "build", "-m", "plugin/manifest.json", "-o", "out.zip", "-k", "keys/encrypted.pem"], [], { env: { TYK_TS_KEY_PASSPHRASE: "wrong" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/wrong passphrase/);
  });
});

describe("bundle verify and inspect through the CLI", () => {
  const zips: Array<[string, () => Buffer]> = [
    ["an empty file", () => Buffer.alloc(0)],
    ["random bytes", () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + FUZZ_SEED) & 0xff))],
    ["zip-slip names", () => buildZip([{ name: "../../escape.py", data: "x" }, { name: "/tmp/abs.py", data: "x" }, { name: "manifest.json", data: "{}" }])],
    ["a 65,535-byte name", () => buildZip([{ name: "n".repeat(0xffff), data: "x" }])],
    ["20,000 entries", () => buildZip(Array.from({ length: 20_000 }, (_, i) => ({ name: `f${i}`, data: "", method: 0 })))],
    ["a lying deflate bomb (1 KiB declared, 200 MiB inside)", () => buildZip([{ name: "bomb", data: Buffer.alloc(200 * 1024 * 1024), uncompressedSize: 1024 }, { name: "manifest.json", data: "{}" }])],
  ];
  for (const [what, make] of zips) {
    it(`ends cleanly on ${what}, reads nothing out, writes nothing`, async () => {
      writeFileSync(path.join(work, "case.zip"), make());
      const verify = await runContained(["bundle", "verify", "case.zip"]);
      expect(verify.code).toBe(1);
      const json = await runContained(["bundle", "verify", "--format", "json", "-k", "keys/public.pem", "case.zip"]);
      expect(() => JSON.parse(json.stdout)).not.toThrow();
      const inspect = await runContained(["bundle", "inspect", "--json", "case.zip"]);
      expect([0, 1]).toContain(inspect.code);
      expect(() => JSON.parse(inspect.stdout)).not.toThrow();
    }, 60_000);
  }

  it(
    "ends cleanly on bit-flipped and truncated bundles",
    async () => {
      writeFileSync(path.join(work, "plugin/manifest.json"), JSON.stringify(PYTHON_MANIFEST));
      const built = await runContained(["bundle", "build", "-m", "plugin/manifest.json", "-o", "good.zip", "-k", "keys/private.pem"], ["work/good.zip"]);
      expect(built.code).toBe(0);
      const good = readFileSync(path.join(work, "good.zip"));
      await checkProperty(
        "bit-flipped / truncated bundles → tyk-ts bundle verify (spawned)",
        fc.asyncProperty(fc.array(fc.nat({ max: good.length * 8 - 1 }), { maxLength: 6 }), fc.nat({ max: good.length }), async (bits, keep) => {
          const zip = Buffer.from(good.subarray(0, Math.max(keep, 1)));
          for (const bit of bits) zip[(bit >> 3) % zip.length]! ^= 1 << (bit & 7);
          writeFileSync(path.join(work, "case.zip"), zip);
          const r = await runContained(["bundle", "verify", "-k", "keys/public.pem", "case.zip"]);
          expect([0, 1]).toContain(r.code);
        }),
        12,
        15_000,
        300,
      );
    },
    testTimeoutMs(20_000),
  );

  it.skipIf(!hasTool("script"))("never stops to ask a terminal for a passphrase it cannot use (encrypted PEM as the public key)", async () => {
    writeFileSync(path.join(work, "case.zip"), buildZip([{ name: "manifest.json", data: "{}" }]));
    // A pseudo-terminal whose input stays open for 4 s: an OpenSSL prompt would wait for all of it.
    const command = `start=$(date +%s%N); ${process.execPath} ${CLI} bundle verify -k keys/encrypted-public.pem case.zip; echo "took $(( ($(date +%s%N) - start) / 1000000 )) ms"`;
    const r = spawnSync("sh", ["-c", `sleep 4 | script -qc '${command}' /dev/null`], { cwd: work, encoding: "utf8", timeout: 30_000, env: { ...process.env, NO_COLOR: "1" } });
    const output = `${r.stdout}${r.stderr}`;
    expect(output).not.toMatch(/Enter PEM pass phrase/);
    expect(output).toMatch(/keys\/encrypted-public\.pem/);
    expect(Number(/took (\d+) ms/.exec(output)?.[1]), output).toBeLessThan(3000);
  }, 40_000);
});

describe("lint, keygen, init and schema through the CLI", () => {
  const documents: Array<[string, string, string]> = [
    ["a billion-laughs YAML", "apis/laughs.yaml", `${Array.from({ length: 10 }, (_, i) => (i === 0 ? 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]' : `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(",")}]`)).join("\n")}\napi_id: x\n`],
    ["JSON nested 100,000 deep", "apis/deep.json", `{"api_id": "a", "x": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`],
    ["a tyk.conf with a BOM and comments", "apis/tyk.conf", `\uFEFF// gateway\n{"listen_port": "8080"}`],
    ["wrong types everywhere", "apis/api.json", JSON.stringify({ api_id: 1, name: [], proxy: "x", version_data: 7, active: "yes", use_keyless: {} })],
    ["a 30 MB string", "apis/huge.json", JSON.stringify({ api_id: "a", name: "n".repeat(30 * 1024 * 1024), proxy: { listen_path: "/a/", target_url: "http://u" } })],
  ];
  for (const [what, file, text] of documents) {
    it(`lint ends cleanly on ${what}`, async () => {
      writeFileSync(path.join(work, file), text);
      const r = await runContained(["lint", file, "-f", "json"]);
      expect([0, 1, 2]).toContain(r.code);
      if (r.code !== 2) expect(() => JSON.parse(r.stdout)).not.toThrow();
      spawnSync("rm", ["-f", path.join(work, file)]);
    }, 60_000);
  }

  it("lint says something when everything is clean (silence reads as a hang or a skipped check)", async () => {
    writeFileSync(path.join(work, "apis/clean-manifest.json"), JSON.stringify(PYTHON_MANIFEST));
    const r = await runContained(["lint", "apis/clean-manifest.json"]);
    expect(r.code).toBe(0);
    spawnSync("rm", ["-f", path.join(work, "apis/clean-manifest.json")]);
  });

  it("keygen and init refuse bad targets with a message", async () => {
    writeFileSync(path.join(work, "a-file"), "x");
    for (const args of [["keygen", "-o", "a-file/key.pem"], ["keygen", "-o", "keys/private.pem"], ["keygen", "--bits", "1024"], ["init", "a-file"], ["init", "plugin"], ["init", "x", "--driver", "cobol"]]) {
      const r = await runContained(args);
      expect(r.code, args.join(" ")).toBe(2);
    }
  });

  it(
    "random arguments to every command end with 0, 1 or 2 and a message",
    async () => {
      const words = [
        "bundle", "build", "verify", "inspect", "lint", "keygen", "init", "schema", "completion", "help",
        "-m", "-o", "-k", "-y", "-c", "--json", "--format", "json", "junit", "sarif", "--kind", "tyk-oas", "--max-size", "-1", "1e999",
        "--max-ratio", "0", "--bits", "4096", "--driver", "python", "plugin/manifest.json", "case.zip", "keys/public.pem", "missing",
        "--", "-", "", "%s", "\u0000", "é", "--no-color", "--debug", "-V", "--help", "--list", "--list-rules", "bash", "apis",
      ];
      const outputs = (args: string[]) => args.flatMap((a, i) => (["-o", "--output", "--out"].includes(args[i - 1] ?? "") ? [`work/${a}`, `work/${a}.pub.pem`] : []));
      await checkProperty(
        "random argv → tyk-ts (spawned)",
        fc.asyncProperty(fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 6 }), async (args) => {
          // serve runs until stopped and init writes a folder: both are exercised above.
          if (args.includes("serve") || args.includes("init")) return;
          const clean = args.map((a) => a.replace(/\u0000/g, ""));
          await runContained(clean, [...outputs(clean), "work/signing.pem", "work/signing.pub.pem"], { timeoutMs: 15_000 });
          spawnSync("rm", ["-rf", path.join(work, "signing.pem"), path.join(work, "signing.pub.pem")]);
        }),
        25,
        20_000,
        300,
      );
    },
    testTimeoutMs(20_000),
  );

  it("stops quietly when the reader of its output has gone (| head, | true)", async () => {
    for (const args of [["schema", "tyk-conf"], ["lint", "--list-rules"], ["completion", "bash"], ["bundle", "verify", "--format", "json", "case.zip"]]) {
      const r = await run(args, work, { closeStdoutAfter: 0 });
      expectWellBehaved({ ...r, stdout: "(closed)" }, `tyk-ts ${args.join(" ")} | true`);
    }
  });
});
