#!/usr/bin/env node
/**
 * bench/verify: `tyk-ts bundle verify -k` against the same checks made with native tools, in the same
 * run, as whole processes, on three shapes of signed bundle (each built with `tyk-ts bundle build -k`):
 *
 *   large  a 140 MB binary (machine code, compresses ~2.7:1) and 500 small text files: inflating and
 *          hashing dominate
 *   small  2,000 small text files (~12 MB): per-entry costs and start-up dominate
 *   mixed  a 60 MB plugin, half text and half random bytes, and 300 small files, text and random
 *          (~56 MB zipped)
 *
 * The baseline is what a person would type:
 *
 *   unzip -p bundle.zip -x manifest.json | tee >(md5sum) | openssl dgst -sha256 -verify pub.pem -signature sig.bin
 *
 * (unzip writes the entries in zip order, which is file_list order in these bundles; the MD5 it
 * prints is checked against the manifest's checksum.) Prints, per shape, the median wall time of
 * each, their ratio (target: at most 1.0) and tyk-ts's peak RSS (target: under 150 MB), then one
 * JSON line for bench/run.mjs (worst ratio, highest peak, and the 1-minute load average, since a
 * shared machine slows whole processes unevenly). Needs the built CLI (npm run build), unzip, md5sum, openssl and bash.
 *
 * Usage: node bench/verify.mjs [--runs N] [--shape large|small|mixed]... [--keep]
 */
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CLI, ensureBuilt, requireTools } from "./lib.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = option("--runs", Number(process.env.BENCH_RUNS ?? 5));
const MAX_RATIO = 1.0;
const MAX_RSS_MB = 150;
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

requireTools("unzip", "md5sum", "openssl", "bash");
ensureBuilt();

/** Source-like text: hex words and spaces, one line per 11 words (compresses about 2:1). */
function text(bytes) {
  const words = randomBytes(Math.ceil(bytes / 4)).toString("hex").match(/.{1,7}/g);
  let out = "";
  for (let i = 0; out.length < bytes; i++) out += `${words[i % words.length]}${i % 11 === 0 ? "\n" : " "}`;
  return Buffer.from(out.slice(0, bytes));
}

/** Real machine code, as a Go plugin (.so) would be: the node executable, repeated to the size wanted. */
function machineCode(bytes) {
  const exe = readFileSync(process.execPath);
  const parts = [];
  for (let left = bytes; left > 0; left -= exe.length) parts.push(exe.subarray(0, Math.min(exe.length, left)));
  return Buffer.concat(parts);
}

/** Writes `bytes` of alternating 1 MiB blocks of text and random bytes, without holding them all. */
function writeHalfTextHalfRandom(file, bytes) {
  const fd = openSync(file, "w");
  const block = 1 << 20;
  const textBlock = text(block);
  for (let at = 0; at < bytes; at += block) {
    const length = Math.min(block, bytes - at);
    writeSync(fd, (at / block) % 2 === 0 ? textBlock.subarray(0, length) : randomBytes(length));
  }
  closeSync(fd);
}

const MIDDLEWARE = "from tyk.decorators import *\n\n@Hook\ndef Pre(request, session, spec):\n    return request, session\n";

/** The plugin folders of the three shapes: file name → a function writing it. */
const SHAPES = {
  large: {
    describe: "140 MB binary + 500 text files",
    files: (plugin) => {
      writeFileSync(path.join(plugin, "plugin.so"), machineCode(140 * 1024 * 1024));
      const names = ["middleware.py", "plugin.so"];
      for (let i = 0; i < 500; i++) names.push(writeSmall(plugin, `lib/module_${String(i).padStart(3, "0")}.py`, text(16 * 1024)));
      return names;
    },
  },
  small: {
    describe: "2,000 small text files",
    files: (plugin) => {
      const names = ["middleware.py"];
      // 200 B to 12 KB, ~6 KB on average: the size of most source files.
      for (let i = 0; i < 2000; i++) names.push(writeSmall(plugin, `lib/pkg_${i % 20}/module_${String(i).padStart(4, "0")}.py`, text(200 + ((i * 7919) % 12000))));
      return names;
    },
  },
  mixed: {
    describe: "60 MB half-text half-random plugin + 300 mixed files",
    files: (plugin) => {
      writeHalfTextHalfRandom(path.join(plugin, "plugin.so"), 60 * 1024 * 1024);
      const names = ["middleware.py", "plugin.so"];
      for (let i = 0; i < 300; i++) {
        const size = 1024 + ((i * 7919) % (64 * 1024));
        names.push(i % 2 === 0 ? writeSmall(plugin, `lib/module_${i}.py`, text(size)) : writeSmall(plugin, `data/blob_${i}.bin`, randomBytes(size)));
      }
      return names;
    },
  },
};

function writeSmall(plugin, name, bytes) {
  mkdirSync(path.dirname(path.join(plugin, name)), { recursive: true });
  writeFileSync(path.join(plugin, name), bytes);
  return name;
}

/** Builds and signs one shape's bundle in `dir`; returns its path and the manifest's checksum. */
function buildShape(dir, shape, key) {
  const plugin = path.join(dir, "plugin");
  mkdirSync(plugin, { recursive: true });
  writeFileSync(path.join(plugin, "middleware.py"), MIDDLEWARE);
  const fileList = SHAPES[shape].files(plugin);
  writeFileSync(path.join(plugin, "manifest.json"), JSON.stringify({ file_list: fileList, custom_middleware: { driver: "python", pre: [{ name: "Pre" }] } }, null, 2));
  const bundle = path.join(dir, "bundle.zip");
  execFileSync(process.execPath, [CLI, "bundle", "build", "-m", path.join(plugin, "manifest.json"), "-o", bundle, "-k", key], { stdio: "inherit" });
  rmSync(plugin, { recursive: true, force: true });
  const manifest = JSON.parse(execFileSync("unzip", ["-p", bundle, "manifest.json"], { encoding: "utf8" }));
  writeFileSync(path.join(dir, "sig.bin"), Buffer.from(manifest.signature, "base64"));
  return { bundle, checksum: manifest.checksum, files: fileList.length, zipMb: readFileSync(bundle).length / 1024 / 1024 };
}

/** Runs a command; returns its exit code, wall seconds, peak RSS in MB and output. */
function measure(command, commandArgs) {
  return new Promise((resolve, reject) => {
    const [file, argv] = TIME ? [TIME, ["-v", command, ...commandArgs]] : [command, commandArgs];
    const started = process.hrtime.bigint();
    const child = spawn(file, argv, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    let polledPeak = 0;
    // Without GNU time, poll the high-water mark (it may miss the last few milliseconds).
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

const wanted = args.flatMap((a, i) => (args[i - 1] === "--shape" ? [a] : []));
const unknown = wanted.filter((s) => !(s in SHAPES));
if (unknown.length > 0) {
  console.error(`unknown shape ${unknown.join(", ")}; choose from ${Object.keys(SHAPES).join(", ")}`);
  process.exit(2);
}
const shapes = wanted.length > 0 ? wanted : Object.keys(SHAPES);

const root = mkdtempSync(path.join(os.tmpdir(), "tyk-ts-bench-verify-"));
try {
  const key = path.join(root, "key.pem");
  const pub = path.join(root, "pub.pem");
  execFileSync("openssl", ["genrsa", "-out", key, "2048"], { stdio: "ignore" });
  execFileSync("openssl", ["rsa", "-in", key, "-pubout", "-out", pub], { stdio: "ignore" });

  const cases = shapes.map((shape) => {
    const dir = path.join(root, shape);
    mkdirSync(dir);
    console.error(`building the ${shape} bundle (${SHAPES[shape].describe}) in ${dir} ...`);
    const built = buildShape(dir, shape, key);
    const baseline = `set -o pipefail; unzip -p '${built.bundle}' -x manifest.json | tee >(md5sum > '${dir}/md5.txt') | openssl dgst -sha256 -verify '${pub}' -signature '${dir}/sig.bin'`;
    return { shape, dir, ...built, baseline, ours: [], theirs: [], rss: [] };
  });

  // Round-robin over the shapes, each pair back to back, so that all see the same machine load;
  // the first round also warms the page cache and is not counted. `node -e 0` is timed in each
  // round too: the start-up every Node process pays, which a bundle of small files cannot hide.
  const nodeStart = [];
  for (let i = 0; i <= RUNS; i++) {
    const start = await measure(process.execPath, ["-e", "0"]);
    if (i > 0) nodeStart.push(start.seconds);
    for (const c of cases) {
      const a = await measure(process.execPath, [CLI, "bundle", "verify", "-k", pub, c.bundle]);
      const b = await measure("bash", ["-c", c.baseline]);
      if (a.code !== 0) throw new Error(`tyk-ts bundle verify exited ${a.code} on the ${c.shape} bundle: ${a.stdout}${a.stderr}`);
      if (b.code !== 0 || !/Verified OK/.test(b.stdout)) throw new Error(`baseline failed on the ${c.shape} bundle: ${b.stdout}${b.stderr}`);
      if (i === 0) continue;
      c.ours.push(a.seconds);
      c.rss.push(a.rss);
      c.theirs.push(b.seconds);
    }
  }

  const figures = {};
  for (const c of cases) {
    const md5 = readFileSync(path.join(c.dir, "md5.txt"), "utf8").split(/\s/)[0];
    if (md5 !== c.checksum) throw new Error(`baseline md5 ${md5} differs from the ${c.shape} manifest's checksum ${c.checksum}`);
    const ratio = median(c.ours) / median(c.theirs);
    const peak = Math.max(...c.rss);
    figures[c.shape] = { ratio: Number(ratio.toFixed(3)), peakRssMiB: Number(peak.toFixed(1)), tykSeconds: Number(median(c.ours).toFixed(3)), baselineSeconds: Number(median(c.theirs).toFixed(3)), files: c.files, zipMiB: Number(c.zipMb.toFixed(1)) };
    console.log(`${c.shape} bundle: ${SHAPES[c.shape].describe}, ${c.files} files, ${c.zipMb.toFixed(0)} MB zip; ${RUNS} runs each, medians`);
    console.log(`  tyk-ts bundle verify -k:            ${median(c.ours).toFixed(3)} s   peak RSS ${peak.toFixed(0)} MB (target < ${MAX_RSS_MB})`);
    console.log(`  unzip -p | md5sum | openssl verify: ${median(c.theirs).toFixed(3)} s`);
    console.log(`  ratio: ${ratio.toFixed(2)} (target <= ${MAX_RATIO.toFixed(1)})`);
  }
  console.log(`node -e 0 (start-up alone): ${median(nodeStart).toFixed(3)} s`);
  const all = Object.values(figures);
  const worst = Math.max(...all.map((f) => f.ratio));
  const peak = Math.max(...all.map((f) => f.peakRssMiB));
  console.log(`worst ratio ${worst.toFixed(2)}, peak RSS ${peak.toFixed(0)} MB: target ${worst <= MAX_RATIO && peak < MAX_RSS_MB ? "met" : "NOT met"}`);
  console.log(JSON.stringify({ bench: "verify", ratio: worst, peakRssMiB: peak, runs: RUNS, loadAverage: Number(os.loadavg()[0].toFixed(1)), nodeStartSeconds: Number(median(nodeStart).toFixed(3)), shapes: figures }));
} finally {
  if (!args.includes("--keep")) rmSync(root, { recursive: true, force: true });
}
