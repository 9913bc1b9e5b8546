/** Spawns the built CLI as a user would (TYK_TS_BIN points the e2e suite at another build, e.g. the single binary). */
import { spawn } from "node:child_process";
import { chmodSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const FIXTURES = path.join(ROOT, "fixtures");

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
}

function command(): { file: string; args: string[] } {
  const bin = process.env.TYK_TS_BIN;
  return bin ? { file: bin, args: [] } : { file: process.execPath, args: [path.join(ROOT, "bin/tyk-ts.js")] };
}

export function runCli(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const { file, args: pre } = command();
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...pre, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 20_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** Writes `dir/tyk-ts`, a shell script that runs this build (or TYK_TS_BIN): put `dir` on PATH to run docs as written. */
export function writeCliShim(dir: string): void {
  const shim = path.join(dir, "tyk-ts");
  const target = process.env.TYK_TS_BIN ? `"${process.env.TYK_TS_BIN}"` : `"${process.execPath}" "${path.join(ROOT, "bin/tyk-ts.js")}"`;
  writeFileSync(shim, `#!/bin/sh\nexec ${target} "$@"\n`);
  chmodSync(shim, 0o755);
}
