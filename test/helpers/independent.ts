/**
 * Routes to bundles and verdicts that do not go through tyk-ts: Python's zipfile + hashlib + openssl
 * to make bundles, and the Go model of the gateway's loader (Go's own archive/zip, encoding/json and
 * crypto/rsa; test/support/gateway-loader) to judge them.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { ROOT } from "./cli.js";
import { gatewayVerdict } from "./gateway-loader.js";
import { hasTool } from "./keys.js";

export interface PythonEntry {
  name: string;
  text?: string;
  b64?: string;
  dir?: boolean;
  method?: "store" | "deflate";
  system?: number;
  attr?: number;
}

export interface PythonBundleSpec {
  out: string;
  entries: PythonEntry[];
  manifest?: Record<string, unknown> | string;
  manifest_name?: string;
  sign_key?: string;
  data_from?: string[];
  tamper?: Record<string, string>;
}

export const hasPython = hasTool("python3");
/** The interpreter itself: a version manager's shim on PATH can cost a third of a second per call. */
const PYTHON = hasPython ? execFileSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).trim() : "python3";

/** Writes the bundle with Python; returns the manifest as written (with checksum and signature). */
export function pythonBundle(spec: PythonBundleSpec): Record<string, unknown> | undefined {
  const out = execFileSync(PYTHON, [path.join(ROOT, "test/helpers/make_bundle.py")], { input: JSON.stringify(spec), encoding: "utf8" });
  return out.trim() ? (JSON.parse(out) as Record<string, unknown>) : undefined;
}

/** `openssl dgst -sha256 -sign` over `data`, base64: the signature the gateway's tooling makes. */
export function opensslSignature(privateKeyPath: string, data: Buffer): string {
  return execFileSync("openssl", ["dgst", "-sha256", "-sign", privateKeyPath], { input: data }).toString("base64");
}

export { hasGo } from "./gateway-loader.js";

export interface ReferenceVerdict {
  accepted: boolean;
  /** The loader step that refused: unpack, manifest, signed, file_list, checksum or signature. */
  stage: string;
  output: string;
}

/** The step of the gateway's loader that a refusal of the Go model (test/support/gateway-loader) comes from. */
function stageOf(output: string): string {
  if (/^refused: unpack:/.test(output)) return "unpack";
  if (/^refused: manifest:/.test(output)) return "manifest";
  if (/Bundle isn't signed/.test(output)) return "signed";
  if (/Invalid checksum/.test(output)) return "checksum";
  if (/illegal base64|crypto\/rsa/.test(output)) return "signature";
  return "file_list";
}

/** The Go model's verdict on a bundle, with an optional public key (public_key_path). */
export function referenceVerdict(bundle: string, publicKey?: string): ReferenceVerdict {
  const { accepted, output } = gatewayVerdict(bundle, publicKey);
  return { accepted, stage: accepted ? "" : stageOf(output), output };
}
