#!/usr/bin/env node
/**
 * bench/verify: `tyk-ts bundle verify` on a ~150 MB signed bundle (one large file and 500 small ones,
 * built with `tyk-ts bundle build -k`) against the baseline of the same checks with native tools:
 *
 *   unzip -p bundle.zip -x manifest.json | tee >(md5sum) | openssl dgst -sha256 -verify pub.pem -signature sig.bin
 *
 * Prints the median wall time of each, their ratio (target: at most 1.2) and tyk-ts's peak RSS
 * (target: under 150 MB). Needs the built CLI (npm run build), unzip, md5sum, openssl and bash.
 *
 * Usage: node bench/verify.mjs [--runs N] [--size MB] [--random] [--keep]
 *   --random  the large file is random bytes (incompressible): hashing, not inflating, dominates
 */
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CLI = path.join(ROOT, "bin/tyk-ts.js");
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = option("--runs", 5);
const TOTAL_MB = option("--size", 150);
const SMALL_FILES = 500;
const SMALL_SIZE = 16 * 1024;
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

for (const tool of ["unzip", "md5sum", "openssl", "bash"]) {
  try {
    execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
  } catch {
    console.error(`bench/verify needs ${tool}`);
    process.exit(2);
  }
}
if (!existsSync(path.join(ROOT, "dist/cli.js"))) {
  console.error("build first: npm run build");
  process.exit(2);
}

/** Source-like text for the small files. */
function content(bytes) {
  const words = randomBytes(Math.ceil(bytes / 4)).toString("hex").match(/.{1,7}/g);
  let out = "";
  for (let i = 0; out.length < bytes; i++) out += `${words[i % words.length]}${i % 11 === 0 ? "\n" : " "}`;
  return out.slice(0, bytes);
}

/**
 * A large binary of real machine code, as a Go plugin (.so) in a bundle would be: the node
 * executable, repeated to the size wanted (it compresses about 2.7:1, like most binaries).
 */
function largeBinary(bytes) {
  const exe = readFileSync(process.execPath);
  const parts = [];
  for (let left = bytes; left > 0; left -= exe.length) parts.push(exe.subarray(0, Math.min(exe.length, left)));
  return Buffer.concat(parts);
}

function setUp(dir) {
  const plugin = path.join(dir, "plugin");
  mkdirSync(path.join(plugin, "lib"), { recursive: true });
  const largeSize = TOTAL_MB * 1024 * 1024 - SMALL_FILES * SMALL_SIZE;
  writeFileSync(path.join(plugin, "plugin.so"), args.includes("--random") ? randomBytes(largeSize) : largeBinary(largeSize));
  const files = ["middleware.py", "plugin.so"];
  writeFileSync(path.join(plugin, "middleware.py"), "from tyk.decorators import *\n\n@Hook\ndef Pre(request, session, spec):\n    return request, session\n");
  for (let i = 0; i < SMALL_FILES; i++) {
    const name = `lib/module_${String(i).padStart(3, "0")}.py`;
    writeFileSync(path.join(plugin, name), content(SMALL_SIZE));
    files.push(name);
  }
  writeFileSync(path.join(plugin, "manifest.json"), JSON.stringify({ file_list: files, custom_middleware: { driver: "python", pre: [{ name: "Pre" }] } }, null, 2));
  execFileSync("openssl", ["genrsa", "-out", path.join(dir, "key.pem"), "2048"], { stdio: "ignore" });
  execFileSync("openssl", ["rsa", "-in", path.join(dir, "key.pem"), "-pubout", "-out", path.join(dir, "pub.pem")], { stdio: "ignore" });
  const bundle = path.join(dir, "bundle.zip");
  execFileSync(process.execPath, [CLI, "bundle", "build", "-m", path.join(plugin, "manifest.json"), "-o", bundle, "-k", path.join(dir, "key.pem")], { stdio: "inherit" });
  const manifest = JSON.parse(execFileSync("unzip", ["-p", bundle, "manifest.json"], { encoding: "utf8" }));
  writeFileSync(path.join(dir, "sig.bin"), Buffer.from(manifest.signature, "base64"));
  return { bundle, checksum: manifest.checksum };
}

/** Runs a command; returns wall seconds, peak RSS in MB (of the measured process tree's largest), stdout. */
function measure(command, commandArgs) {
  return new Promise((resolve, reject) => {
    const [file, argv] = TIME ? [TIME, ["-v", command, ...commandArgs]] : [command, commandArgs];
    const started = process.hrtime.bigint();
    const child = spawn(file, argv, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    let polledPeak = 0;
    const poll = TIME
      ? undefined
      : setInterval(() => {
          try {
            const rss = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
            if (rss) polledPeak = Math.max(polledPeak, Number(rss[1]) / 1024);
          } catch {
            // exited
          }
        }, 5);
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (poll) clearInterval(poll);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const rss = TIME ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? 0) / 1024 : polledPeak;
      resolve({ code, seconds, rss, stdout, stderr });
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = mkdtempSync(path.join(os.tmpdir(), "tyk-ts-bench-verify-"));
try {
  console.error(`building a ${TOTAL_MB} MB bundle (1 large file + ${SMALL_FILES} small ones) in ${dir} ...`);
  const { bundle, checksum } = setUp(dir);
  const zipMb = (readFileSync(bundle).length / 1024 / 1024).toFixed(0);
  const pub = path.join(dir, "pub.pem");
  const baseline = `set -o pipefail; unzip -p '${bundle}' -x manifest.json | tee >(md5sum > '${dir}/md5.txt') | openssl dgst -sha256 -verify '${pub}' -signature '${dir}/sig.bin'`;

  const ours = [];
  const theirs = [];
  const rss = [];
  // Alternate the two so that both see the same machine load; the first pair also warms the page cache.
  for (let i = 0; i <= RUNS; i++) {
    const a = await measure(process.execPath, [CLI, "bundle", "verify", "-k", pub, bundle]);
    const b = await measure("bash", ["-c", baseline]);
    if (a.code !== 0) throw new Error(`tyk-ts bundle verify exited ${a.code}: ${a.stdout}${a.stderr}`);
    if (b.code !== 0 || !/Verified OK/.test(b.stdout)) throw new Error(`baseline failed: ${b.stdout}${b.stderr}`);
    if (i === 0) continue;
    ours.push(a.seconds);
    rss.push(a.rss);
    theirs.push(b.seconds);
  }
  const md5 = readFileSync(path.join(dir, "md5.txt"), "utf8").split(/\s/)[0];
  if (md5 !== checksum) throw new Error(`baseline md5 ${md5} differs from the manifest's checksum ${checksum}`);

  const ratio = median(ours) / median(theirs);
  const peak = Math.max(...rss);
  console.log(`bundle: ${TOTAL_MB} MB of files, ${zipMb} MB zip, ${SMALL_FILES + 2} files; ${RUNS} runs each, medians`);
  console.log(`tyk-ts bundle verify -k:            ${median(ours).toFixed(3)} s   peak RSS ${peak.toFixed(0)} MB (target < 150)`);
  console.log(`unzip -p | md5sum | openssl verify: ${median(theirs).toFixed(3)} s`);
  console.log(`ratio: ${ratio.toFixed(2)} (target <= 1.2)`);
  process.exitCode = ratio <= 1.2 && peak < 150 ? 0 : 1;
} finally {
  if (!args.includes("--keep")) rmSync(dir, { recursive: true, force: true });
}
