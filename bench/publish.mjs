#!/usr/bin/env node
/**
 * bench/publish: `tyk-ts bundle publish` of a ~10 MB bundle (a Python plugin with 20 MB of data) to an HTTP store (Debian's nginx with
 * WebDAV PUT on 127.0.0.1), with the read-back and the edit of an API definition, against the same
 * release done by hand, the way docs/ci.md's recipes would without publish:
 *
 *   tyk-ts bundle verify plugin.zip
 *   name=plugin-$(sha256sum plugin.zip | cut -c1-12).zip
 *   curl -T plugin.zip $URL/$name && curl $URL/$name -o back.zip && cmp back.zip plugin.zip
 *   sed -i "s/…/$name/" api.json
 *
 * The ratio is against that (target: at most 1.2); a second ratio is against the same without the
 * verify step (curl and friends only), which says what starting Node and verifying cost. Each run
 * publishes under a new prefix, so every run uploads. Prints the median wall times, the ratios and
 * tyk-ts's peak RSS, then a JSON line for bench/run.
 *
 * Usage: node bench/publish.mjs [--runs N] [--size MB]   (--size: the plugin's size; half of it is random)
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { CLI, ensureBuilt, measure, requireTools } from "./lib.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const RUNS = option("--runs", 5);
const SIZE_MB = option("--size", 20);

requireTools("nginx", "curl", "sha256sum", "cmp", "sed", "bash");
ensureBuilt();

const dir = mkdtempSync(path.join(os.tmpdir(), "tyk-ts-bench-publish-"));
const nginx = await startNginx(dir);
try {
  // A Python plugin with a data file of half random, half repetitive bytes, built by tyk-ts as a
  // release would. (Not a Go plugin: bytes that are no ELF object would rightly fail bundle verify.)
  mkdirSync(path.join(dir, "plugin"));
  const half = SIZE_MB << 19;
  writeFileSync(path.join(dir, "plugin", "middleware.py"), "from tyk.decorators import *\n\n@Hook\ndef Pre(request, session, spec):\n    return request, session\n");
  writeFileSync(path.join(dir, "plugin", "model.bin"), Buffer.concat([randomBytes(half), Buffer.alloc(half, "def handler(): pass\n")]));
  writeFileSync(path.join(dir, "plugin", "manifest.json"), JSON.stringify({ file_list: ["middleware.py", "model.bin"], custom_middleware: { driver: "python", pre: [{ name: "Pre" }] } }));
  await measure(process.execPath, [CLI, "bundle", "build", "-m", path.join(dir, "plugin", "manifest.json"), "-o", path.join(dir, "plugin.zip"), "-y"]);
  const api = path.join(dir, "api.json");
  const definition = JSON.stringify({ name: "bench", api_id: "bench", proxy: { listen_path: "/bench/", target_url: "http://127.0.0.1:8000" }, custom_middleware_bundle: "plugin.zip" }, null, 2);

  const byHand = `set -e
[ -z "$VERIFY" ] || node "$VERIFY" bundle verify plugin.zip >/dev/null
name=plugin-$(sha256sum plugin.zip | cut -c1-12).zip
curl -sf -T plugin.zip -H "Content-Type: application/zip" "$URL/$name"
curl -sf "$URL/$name" -o back.zip
cmp -s back.zip plugin.zip
sed -i "s/\\"custom_middleware_bundle\\": \\"[^\\"]*\\"/\\"custom_middleware_bundle\\": \\"$name\\"/" api.json`;
  const tyk = [];
  const hand = [];
  const curlOnly = [];
  for (let i = 0; i < RUNS; i++) {
    // Interleaved, so a change in the machine's load falls on all three.
    writeFileSync(api, definition);
    tyk.push(await measure(process.execPath, [CLI, "bundle", "publish", "plugin.zip", "--to", `${nginx.url}/tyk-${i}/`, "--update", "api.json"], { cwd: dir }));
    writeFileSync(api, definition);
    hand.push(await measure("bash", ["-c", byHand], { cwd: dir, env: { ...process.env, URL: `${nginx.url}/hand-${i}`, VERIFY: CLI } }));
    writeFileSync(api, definition);
    curlOnly.push(await measure("bash", ["-c", byHand], { cwd: dir, env: { ...process.env, URL: `${nginx.url}/curl-${i}`, VERIFY: "" } }));
  }
  const mid = (runs) => [...runs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(runs.length / 2)].wallMs;
  const [t, h, c] = [mid(tyk), mid(hand), mid(curlOnly)];
  const peak = Math.max(...tyk.map((r) => r.peakMiB));
  console.log(`plugin ${SIZE_MB} MB, bundle ${(statSync(path.join(dir, "plugin.zip")).size / 2 ** 20).toFixed(1)} MiB, ${RUNS} runs each, median wall time`);
  console.log(`tyk-ts bundle publish --update:                              ${t.toFixed(0)} ms (peak RSS ${peak.toFixed(0)} MiB)`);
  console.log(`tyk-ts bundle verify + sha256sum + curl PUT/GET + cmp + sed: ${h.toFixed(0)} ms`);
  console.log(`sha256sum + curl PUT/GET + cmp + sed (no verify):            ${c.toFixed(0)} ms`);
  console.log(`ratio: ${(t / h).toFixed(2)} (without verify: ${(t / c).toFixed(2)})`);
  console.log(JSON.stringify({ bench: "publish", ratio: Number((t / h).toFixed(2)), ratioNoVerify: Number((t / c).toFixed(2)), tykMs: Math.round(t), baselineMs: Math.round(h), curlOnlyMs: Math.round(c), peakRssMiB: Math.round(peak), sizeMB: SIZE_MB }));
} finally {
  nginx.child.kill("SIGTERM");
  await new Promise((resolve) => nginx.child.once("exit", resolve));
  rmSync(dir, { recursive: true, force: true });
}

async function startNginx(prefix) {
  const root = path.join(prefix, "store");
  mkdirSync(root);
  mkdirSync(path.join(prefix, "logs"));
  const port = await new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
  const conf = `${process.getuid?.() === 0 ? "user root;\n" : ""}daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    client_max_body_size 1g;
    location / { dav_methods PUT; create_full_put_path on; }
  }
}
`;
  writeFileSync(path.join(prefix, "nginx.conf"), conf);
  const child = spawn("nginx", ["-p", prefix, "-c", path.join(prefix, "nginx.conf")], { stdio: "ignore" });
  for (let i = 0; i < 200; i++) {
    const up = await new Promise((resolve) => net.connect(port, "127.0.0.1").once("connect", function () { this.destroy(); resolve(true); }).once("error", () => resolve(false)));
    if (up) return { url: `http://127.0.0.1:${port}`, child };
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill();
  throw new Error("nginx did not start");
}
