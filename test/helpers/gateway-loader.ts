/**
 * The Go model of the gateway's bundle loader (test/support/gateway-loader), built once per run.
 * It uses Go's archive/zip and encoding/json like the gateway, so it is an independent oracle.
 */
import { execFileSync, spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { ROOT } from "./cli.js";
import { hasTool } from "./keys.js";

const built = new Map<string, string>();

export const hasGo = hasTool("go");

/** Builds a Go program of test/support once per run; returns the binary. */
function goProgram(name: string): string {
  const known = built.get(name);
  if (known) return known;
  const out = path.join(os.tmpdir(), `tyk-ts-${name}-${process.pid}`);
  execFileSync("go", ["build", "-o", out, "."], { cwd: path.join(ROOT, "test/support", name), env: { GOCACHE: path.join(os.tmpdir(), "tyk-ts-go-cache"), ...process.env, GOFLAGS: "-mod=mod", CGO_ENABLED: "0" }, stdio: "pipe" });
  built.set(name, out);
  return out;
}

export const gatewayLoader = (): string => goProgram("gateway-loader");

/**
 * The gateway's verdict on a bundle: "accepted" or "refused: <reason>". It unpacks under
 * middleware/bundles/<md5> (Go's default middleware_path), or under `middlewarePath`.
 */
export function gatewayVerdict(bundle: string, publicKey?: string, middlewarePath?: string): { accepted: boolean; output: string } {
  const env = middlewarePath === undefined ? process.env : { ...process.env, GATEWAY_MIDDLEWARE_PATH: middlewarePath };
  const res = spawnSync(gatewayLoader(), publicKey ? [bundle, publicKey] : [bundle], { encoding: "utf8", env });
  return { accepted: res.status === 0, output: res.stdout.trim() };
}

export interface GoZipEntry {
  name: string;
  text?: string;
  dir?: boolean;
  store?: boolean;
}

/** Writes `out` with Go's archive/zip writer (test/support/go-zip-writer). */
export function goZip(out: string, entries: GoZipEntry[]): void {
  execFileSync(goProgram("go-zip-writer"), { input: JSON.stringify({ out, entries }) });
}
