// Shared helpers for the bench scripts: run a command, time it, and read its peak RSS.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const CLI = path.join(ROOT, "bin/tyk-ts.js");

/** Runs a command to completion; returns wall time (ms) and peak RSS (MiB) of the process tree's leader. */
export function measure(file, args, options = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, args, { stdio: ["ignore", "ignore", "pipe"], ...options });
    let peakKb = 0;
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    // VmHWM is the high-water mark of resident memory; poll it until the process exits.
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // exited between polls
      }
    }, 10);
    child.on("error", reject);
    child.on("close", (code) => {
      clearInterval(poll);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) reject(new Error(`${file} ${args.join(" ")} exited ${code}: ${stderr}`));
      else resolve({ wallMs, peakMiB: peakKb / 1024 });
    });
  });
}

/** Median of the results of `times` runs of an async function returning { wallMs, ... }. */
export async function median(times, fn) {
  const runs = [];
  for (let i = 0; i < times; i++) runs.push(await fn());
  runs.sort((a, b) => a.wallMs - b.wallMs);
  return runs[Math.floor(runs.length / 2)];
}

export function requireTools(...tools) {
  const missing = tools.filter((t) => spawnSync("sh", ["-c", `command -v ${t}`]).status !== 0);
  if (missing.length > 0) {
    console.error(`bench needs: ${missing.join(", ")} (apt-get install ${missing.join(" ")})`);
    process.exit(2);
  }
}

export function machine() {
  return `${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

export function ensureBuilt() {
  if (!existsSync(path.join(ROOT, "dist/cli.js"))) {
    console.error("dist/ is missing: run `npm run build` first");
    process.exit(2);
  }
}
