#!/usr/bin/env node
// bench/build: tyk-ts bundle build vs the manual baseline (zip -q -r + md5sum + openssl dgst -sign),
// on a ~150 MB plugin (one large file + 500 small ones) made here. Prints the time ratio and peak RSS.
// Targets: ratio <= 1.2, peak RSS < 200 MB.
import { execFileSync } from "node:child_process";
import { randomBytes, generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CLI, ensureBuilt, machine, measure, median, requireTools } from "./lib.mjs";

requireTools("zip", "md5sum", "openssl");
ensureBuilt();
const runs = Number(process.env.BENCH_RUNS ?? 3);
const work = mkdtempSync(path.join(os.tmpdir(), "tyk-ts-bench-build-"));
try {
  const plugin = path.join(work, "plugin");
  mkdirSync(path.join(plugin, "lib"), { recursive: true });
  // A plugin-like mix: a large binary blob (random blocks mixed with repetitive text, so deflate
  // has real work) and 500 small source files.
  const big = openSync(path.join(plugin, "plugin.so"), "w");
  const text = Buffer.from("func handler(w http.ResponseWriter, r *http.Request) { w.Header().Set(\"X-Tyk\", \"1\") }\n".repeat(700));
  for (let written = 0; written < 140 << 20; ) {
    const chunk = written % (2 << 20) < (1 << 20) ? randomBytes(1 << 16) : text.subarray(0, 1 << 16);
    writeSync(big, chunk);
    written += chunk.length;
  }
  closeSync(big);
  const files = ["plugin.so"];
  for (let i = 0; i < 500; i++) {
    const name = `lib/module_${i}.py`;
    writeFileSync(path.join(plugin, name), `# module ${i}\n${"def f(x):\n    return x * 2\n".repeat(600)}${randomBytes(2048).toString("base64")}\n`);
    files.push(name);
  }
  writeFileSync(path.join(plugin, "manifest.json"), JSON.stringify({ file_list: files, custom_middleware: { driver: "goplugin", pre: [{ name: "Pre", path: "plugin.so" }] } }));
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const key = path.join(work, "key.pem");
  writeFileSync(key, privateKey.export({ type: "pkcs8", format: "pem" }));
  const totalMb = Number(execFileSync("du", ["-sm", plugin], { encoding: "utf8" }).split("\t")[0]);

  const listFile = path.join(work, "files.txt");
  writeFileSync(listFile, files.join("\n"));
  const baselineScript = `cd "${plugin}" && rm -f "${work}/base.zip" && zip -q -r "${work}/base.zip" . && xargs cat < "${listFile}" | md5sum > /dev/null && xargs cat < "${listFile}" | openssl dgst -sha256 -sign "${key}" -out "${work}/sig.bin"`;
  const baseline = await median(runs, () => measure("sh", ["-c", baselineScript]));
  const tyk = await median(runs, () => measure(process.execPath, [CLI, "bundle", "build", "-m", path.join(plugin, "manifest.json"), "-o", path.join(work, "tyk.zip"), "-k", key]));

  const ratio = tyk.wallMs / baseline.wallMs;
  console.log(`bench/build  ${machine()}`);
  console.log(`  input                 ${totalMb} MB, ${files.length} files`);
  console.log(`  baseline zip+md5sum+openssl  ${(baseline.wallMs / 1000).toFixed(2)} s`);
  console.log(`  tyk-ts bundle build          ${(tyk.wallMs / 1000).toFixed(2)} s, peak RSS ${tyk.peakMiB.toFixed(0)} MiB`);
  console.log(`  ratio ${ratio.toFixed(2)} (target <= 1.2)   peak RSS ${tyk.peakMiB.toFixed(0)} MiB (target < 200)`);
  console.log(JSON.stringify({ bench: "build", ratio: +ratio.toFixed(3), peakRssMiB: +tyk.peakMiB.toFixed(1), baselineMs: Math.round(baseline.wallMs), tykMs: Math.round(tyk.wallMs) }));
} finally {
  rmSync(work, { recursive: true, force: true });
}
