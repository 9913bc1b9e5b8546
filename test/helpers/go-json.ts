/**
 * The Go oracle of test/support/go-json: Go's net/url and encoding/json on the inputs lint reads,
 * built once per run. Tests that need it skip when Go is missing.
 */
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { ROOT } from "./cli.js";
import { hasGo } from "./gateway-loader.js";

export { hasGo };

let built: string | undefined;

export function goJson(args: string[], input?: string): string {
  if (!built) {
    built = path.join(os.tmpdir(), `tyk-ts-go-json-${process.pid}`);
    execFileSync("go", ["build", "-o", built, "."], { cwd: path.join(ROOT, "test/support/go-json"), env: { GOCACHE: path.join(os.tmpdir(), "tyk-ts-go-cache"), ...process.env, GOFLAGS: "-mod=mod", CGO_ENABLED: "0" }, stdio: "pipe" });
  }
  return execFileSync(built, args, { input, encoding: "utf8" });
}
