/**
 * Routes to bundles and verdicts that do not go through tyk-ts: Python's zipfile + hashlib + openssl
 * to make bundles, and a Go program using Go's own archive/zip, encoding/json and crypto/rsa to load
 * them the way the gateway does (test/reference/gateway_loader.go).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "./cli.js";
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

export const hasGo = hasTool("go");

let loaderBinary: string | undefined;

/** Builds the reference loader once per source version (cached in the temp directory). */
function referenceLoader(): string {
  if (loaderBinary) return loaderBinary;
  const source = path.join(ROOT, "test/reference/gateway_loader.go");
  const digest = createHash("sha256").update(readFileSync(source)).digest("hex").slice(0, 16);
  const binary = path.join(os.tmpdir(), `tyk-ts-gateway-loader-${digest}`);
  if (!existsSync(binary)) {
    execFileSync("go", ["build", "-o", binary, source], { env: { ...process.env, GO111MODULE: "off", GOFLAGS: "" }, stdio: "pipe" });
  }
  loaderBinary = binary;
  return binary;
}

export interface ReferenceVerdict {
  accepted: boolean;
  stage: string;
  error?: string;
}

/** The reference loader's verdict on a bundle, with an optional public key (public_key_path). */
export function referenceVerdict(bundle: string, publicKey?: string): ReferenceVerdict {
  const out = execFileSync(referenceLoader(), publicKey ? [bundle, publicKey] : [bundle], { encoding: "utf8" });
  return JSON.parse(out) as ReferenceVerdict;
}
