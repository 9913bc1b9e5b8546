/**
 * The Go model of the gateway's policy file loaders (test/support/policy-loader), built once per
 * run: Go's encoding/json decides what a policies file loads, as it does in the gateway.
 */
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { ROOT } from "./cli.js";

export interface LoadedPolicies {
  /** The decode error; the gateway's file loader then loads nothing. */
  error?: string;
  policies: Array<{ key: string; id: string; name: string; access_rights: number }>;
}

let built: string | undefined;

function policyLoader(): string {
  if (built) return built;
  const out = path.join(os.tmpdir(), `tyk-ts-policy-loader-${process.pid}`);
  execFileSync("go", ["build", "-o", out, "."], { cwd: path.join(ROOT, "test/support/policy-loader"), env: { GOCACHE: path.join(os.tmpdir(), "tyk-ts-go-cache"), ...process.env, CGO_ENABLED: "0" }, stdio: "pipe" });
  built = out;
  return out;
}

/** What the gateway loads from `policy_record_name` (a file) or `policy_path` (a folder). */
export function gatewayLoadsPolicies(mode: "file" | "dir", target: string): LoadedPolicies {
  return JSON.parse(execFileSync(policyLoader(), [mode, target], { encoding: "utf8" })) as LoadedPolicies;
}
