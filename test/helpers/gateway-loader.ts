/**
 * The Go model of the gateway's bundle loader (test/support/gateway-loader), built once per run.
 * It uses Go's archive/zip and encoding/json like the gateway, so it is an independent oracle.
 */
import { execFileSync, spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { ROOT } from "./cli.js";
import { hasTool } from "./keys.js";

let built: string | undefined;

export const hasGo = hasTool("go");

export function gatewayLoader(): string {
  if (built) return built;
  const out = path.join(os.tmpdir(), `tyk-ts-gateway-loader-${process.pid}`);
  execFileSync("go", ["build", "-o", out, "."], { cwd: path.join(ROOT, "test/support/gateway-loader"), env: { GOCACHE: path.join(os.tmpdir(), "tyk-ts-go-cache"), ...process.env, GOFLAGS: "-mod=mod", CGO_ENABLED: "0" }, stdio: "pipe" });
  built = out;
  return out;
}

/** The gateway's verdict on a bundle: "accepted" or "refused: <reason>". */
export function gatewayVerdict(bundle: string, publicKey?: string): { accepted: boolean; output: string } {
  const res = spawnSync(gatewayLoader(), publicKey ? [bundle, publicKey] : [bundle], { encoding: "utf8" });
  return { accepted: res.status === 0, output: res.stdout.trim() };
}
