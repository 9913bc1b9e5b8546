/**
 * `keygen`: an RSA key pair for signing bundles. The private key is PKCS#1 PEM ("RSA PRIVATE KEY",
 * readable by every version of the gateway's tooling and by openssl), mode 0600; the public key is
 * PKIX PEM ("PUBLIC KEY"), what public_key_path in tyk.conf expects.
 */
import { generateKeyPair as generateRsaKeyPair } from "node:crypto";
import { access } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { InputError, UsageError } from "../errors.js";
import { resolveOutput, writeOutput, type OutputDestination } from "../fs/atomic-file.js";
import { createParentFolders } from "../fs/parent-folders.js";
import { keyFingerprint } from "./keys.js";

export const KEY_SIZES = [2048, 3072, 4096] as const;

export interface KeygenOptions {
  /** Private key path; the public key goes beside it. Default `signing.pem`. */
  out?: string;
  bits?: number;
  /** Replace existing key files. */
  force?: boolean;
}

export interface KeygenResult {
  privateKeyPath: string;
  publicKeyPath: string;
  fingerprint: string;
  bits: number;
  /** The top-most folder created for the keys (mode 0700), when their folder did not exist. */
  createdFolder?: string;
}

/** `signing.pem` → `signing.pub.pem`; `key` → `key.pub.pem`. */
export function publicKeyPathFor(privateKeyPath: string): string {
  const ext = path.extname(privateKeyPath);
  const base = ext.toLowerCase() === ".pem" ? privateKeyPath.slice(0, -ext.length) : privateKeyPath;
  return `${base}.pub.pem`;
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

/**
 * The private key goes to a file and nowhere else: never to standard output or a terminal, where it
 * would be printed, and not to a device or pipe, beside which there is no place for the public key.
 */
function refuseNonFile(given: string, destination: OutputDestination): void {
  if (destination.kind === "file") return;
  const what =
    destination.kind === "descriptor" ? (destination.fd <= 2 ? "standard output" : `descriptor ${destination.fd}`)
    : destination.kind === "device" ? `a ${destination.type}`
    : "a directory";
  throw new InputError("key-not-a-file", `${given} is ${what}; the private key is written only to a file (never printed), with the public key beside it`);
}

export async function generateKeyPair(options: KeygenOptions = {}): Promise<KeygenResult> {
  const bits = options.bits ?? 2048;
  if (!(KEY_SIZES as readonly number[]).includes(bits)) throw new UsageError(`the key size must be one of ${KEY_SIZES.join(", ")} bits, got ${bits}`, { data: { bits } });
  const given = options.out ?? "signing.pem";
  const privateDestination = await resolveOutput(given);
  refuseNonFile(given, privateDestination);
  const privateKeyPath = path.resolve(given);
  const publicKeyPath = publicKeyPathFor(privateKeyPath);
  const publicDestination = await resolveOutput(publicKeyPath);
  if (publicDestination.kind === "directory") throw new InputError("output-is-directory", `${publicKeyPath} is a directory`);
  if (!options.force) {
    for (const p of [privateKeyPath, publicKeyPath]) {
      if (await exists(p)) throw new InputError("key-exists", `${p} already exists; refusing to overwrite a key`, { data: { path: p } });
    }
  }
  // A folder made for keys is private, like the key in it.
  const createdFolder = await createParentFolders(privateDestination.path, 0o700);
  const { privateKey, publicKey } = await promisify(generateRsaKeyPair)("rsa", { modulusLength: bits });
  // Written to temporary files and renamed, so a failure never leaves half a key behind. The
  // private key is 0600 even where a looser file stood; the public key keeps an existing file's mode.
  await writeOutput(privateKeyPath, privateKey.export({ type: "pkcs1", format: "pem" }) as string, { mode: 0o600, exactMode: true }, privateDestination);
  await writeOutput(publicKeyPath, publicKey.export({ type: "spki", format: "pem" }) as string, { mode: 0o644 }, publicDestination);
  return { privateKeyPath, publicKeyPath, fingerprint: keyFingerprint(publicKey), bits, ...(createdFolder !== undefined && { createdFolder }) };
}
