#!/usr/bin/env node
// bench/serve: `tyk-ts serve` (the built CLI) against nginx with sendfile, both serving the same 20 MB
// bundle on loopback, loaded in turn by wrk with 16 connections for a fixed time (the load stops by
// itself). Prints the throughput ratio (target >= 0.8 of nginx) and the server's peak RSS.
// wrk and nginx come from Debian; the script installs them with apt-get when they are missing.
// Usage: node bench/serve.mjs   (BENCH_SECONDS per run, default 5; BENCH_ROUNDS, default 4;
//        BENCH_NGINX_WORKERS, default auto)
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { CLI, ensureBuilt, machine } from "./lib.mjs";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
/** Debian's default is "auto" (one worker per core); BENCH_NGINX_WORKERS=1 pits one worker against Node's one main thread. */
const NGINX_WORKERS = process.env.BENCH_NGINX_WORKERS ?? "auto";
const CONNECTIONS = 16;
const FILE_BYTES = 20 * 1000 * 1000;

const has = (tool) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;

/** Installs the Debian packages whose commands are missing; apt-get needs root. */
function ensureTools(commands) {
  const missing = Object.entries(commands).filter(([tool]) => !has(tool));
  if (missing.length === 0) return;
  const packages = missing.map(([, pkg]) => pkg);
  console.error(`installing ${packages.join(", ")} with apt-get…`);
  const run = (args) => spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } }).status === 0;
  if (!(run(["update"]) && run(["install", "-y", "--no-install-recommends", ...packages]))) {
    console.error(`bench/serve needs ${packages.join(" and ")}: apt-get install ${packages.join(" ")} (as root)`);
    process.exit(2);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

/** Resolves once `url` answers, so a run never measures a server still starting. */
async function waitUntilServing(url, child) {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before answering`);
    const ok = await new Promise((resolve) => {
      http.request(url, { method: "HEAD", agent: false }, (res) => resolve(res.statusCode === 200)).on("error", () => resolve(false)).end();
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

/** Peak resident memory of a process, polled from /proc (VmHWM) until `stop()` is called. */
function watchPeakRss(pid) {
  let peakKb = 0;
  const read = () => {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    if (m) peakKb = Math.max(peakKb, Number(m[1]));
  };
  const timer = setInterval(() => {
    try {
      read();
    } catch {
      // exited
    }
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      try {
        read();
      } catch {
        // exited
      }
      return peakKb / 1024;
    },
  };
}

async function startTykTs(root) {
  const child = spawn(process.execPath, [CLI, "serve", root, "-p", "0", "--json-log"], { stdio: ["ignore", "pipe", "ignore"] });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d) => {
      out += d;
      const line = out.split("\n")[0];
      if (out.includes("\n")) resolve(JSON.parse(line).url);
    });
    child.on("exit", (code) => reject(new Error(`tyk-ts serve exited with ${code}`)));
  });
  await waitUntilServing(`${url}bundle.zip`, child);
  return { child, url: `${url}bundle.zip` };
}

async function startNginx(work, root) {
  const port = await freePort();
  const conf = path.join(work, "nginx.conf");
  writeFileSync(
    conf,
    `daemon off;
worker_processes ${NGINX_WORKERS};
pid ${work}/nginx.pid;
error_log ${work}/nginx-error.log;
${process.getuid?.() === 0 ? "user root;" : ""}
events { worker_connections 1024; }
http {
  access_log ${work}/nginx-access.log;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path ${work}/nginx-body;
  proxy_temp_path ${work}/nginx-proxy;
  fastcgi_temp_path ${work}/nginx-fastcgi;
  uwsgi_temp_path ${work}/nginx-uwsgi;
  scgi_temp_path ${work}/nginx-scgi;
  types { application/zip zip; }
  server {
    listen 127.0.0.1:${port};
    root ${root};
  }
}
`,
  );
  const nginx = has("nginx") ? "nginx" : "/usr/sbin/nginx";
  const child = spawn(nginx, ["-p", work, "-c", conf], { stdio: ["ignore", "ignore", "inherit"] });
  const url = `http://127.0.0.1:${port}/bundle.zip`;
  await waitUntilServing(url, child);
  return { child, url };
}

/** CPU seconds (user + system) used so far by a process and its direct children (nginx's workers). */
function cpuSeconds(pid) {
  const ticks = (stat) => {
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]), used: Number(fields[11]) + Number(fields[12]) };
  };
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const t = ticks(readFileSync(`/proc/${entry}/stat`, "utf8"));
      if (Number(entry) === pid || t.ppid === pid) total += t.used;
    } catch {
      // exited meanwhile
    }
  }
  return total / CLOCK_TICKS;
}
const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout) || 100;

/**
 * wrk for SECONDS with 16 connections; returns MiB/s from the exact byte count wrk read, and the
 * server's CPU seconds per GiB sent, which other work on the machine does not change.
 */
function load(work, url, serverPid) {
  const script = path.join(work, "summary.lua");
  writeFileSync(script, 'done = function(summary, latency, requests)\n  io.write(string.format("BYTES %d %d %d\\n", summary.bytes, summary.duration, summary.requests))\nend\n');
  const cpuBefore = cpuSeconds(serverPid);
  const r = spawnSync("wrk", ["-t2", `-c${CONNECTIONS}`, `-d${SECONDS}s`, "-s", script, url], { encoding: "utf8", timeout: (SECONDS + 30) * 1000 });
  const m = /BYTES (\d+) (\d+) (\d+)/.exec(r.stdout ?? "");
  if (!m) throw new Error(`wrk failed: ${r.stderr || r.stdout || r.error}`);
  const [bytes, micros, requests] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return { mibPerSec: bytes / 2 ** 20 / (micros / 1e6), cpuPerGiB: (cpuSeconds(serverPid) - cpuBefore) / (bytes / 2 ** 30), requests };
}

/** The median resists the odd run slowed by other work on the machine. */
const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

ensureBuilt();
ensureTools({ wrk: "wrk", nginx: "nginx" });
const work = mkdtempSync(path.join(os.tmpdir(), "tyk-ts-bench-serve-"));
const root = path.join(work, "www");
const children = [];
try {
  mkdirSync(root);
  writeFileSync(path.join(root, "bundle.zip"), randomBytes(FILE_BYTES));
  // nginx workers may run as another user: let them read the file.
  for (const p of [work, root]) chmodSync(p, 0o755);
  chmodSync(path.join(root, "bundle.zip"), 0o644);

  const tyk = await startTykTs(root);
  children.push(tyk.child);
  const nginx = await startNginx(work, root);
  children.push(nginx.child);
  const rss = watchPeakRss(tyk.child.pid);

  const results = { nginx: [], tyk: [] };
  for (let round = 0; round < ROUNDS; round++) {
    // Interleaved, so other load on the machine hits both alike.
    results.nginx.push(load(work, nginx.url, nginx.child.pid));
    results.tyk.push(load(work, tyk.url, tyk.child.pid));
  }
  const peakRss = rss.stop();
  const nginxRate = median(results.nginx.map((r) => r.mibPerSec));
  const tykRate = median(results.tyk.map((r) => r.mibPerSec));
  const ratio = tykRate / nginxRate;
  const nginxCpu = median(results.nginx.map((r) => r.cpuPerGiB));
  const tykCpu = median(results.tyk.map((r) => r.cpuPerGiB));
  const show = (rs) => rs.map((r) => r.mibPerSec.toFixed(0)).join(", ");

  console.log(`bench/serve  ${machine()}`);
  console.log(`  load                  ${(FILE_BYTES / 1e6).toFixed(0)} MB bundle, ${CONNECTIONS} connections, wrk -t2, ${SECONDS} s x ${ROUNDS} rounds each, loopback`);
  console.log(`  nginx (sendfile, workers ${NGINX_WORKERS})  ${nginxRate.toFixed(0)} MiB/s median  (runs: ${show(results.nginx)})`);
  console.log(`  tyk-ts serve                ${tykRate.toFixed(0)} MiB/s median  (runs: ${show(results.tyk)})`);
  console.log(`  server CPU per GiB sent      nginx ${nginxCpu.toFixed(2)} s, tyk-ts ${tykCpu.toFixed(2)} s (not skewed by other load)`);
  console.log(`  ratio ${ratio.toFixed(2)} of nginx (target >= 0.8)   tyk-ts peak RSS ${peakRss.toFixed(0)} MiB`);
  console.log(
    JSON.stringify({ bench: "serve", ratio: +ratio.toFixed(3), peakRssMiB: +peakRss.toFixed(1), tykMiBps: Math.round(tykRate), nginxMiBps: Math.round(nginxRate), tykCpuPerGiB: +tykCpu.toFixed(3), nginxCpuPerGiB: +nginxCpu.toFixed(3) }),
  );
} finally {
  for (const c of children) c.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 200));
  rmSync(work, { recursive: true, force: true });
}
