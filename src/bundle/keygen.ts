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
import { writeFileAtomic } from "../fs/atomic-file.js";
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

export async function generateKeyPair(options: KeygenOptions = {}): Promise<KeygenResult> {
  const bits = options.bits ?? 2048;
  if (!(KEY_SIZES as readonly number[]).includes(bits)) throw new UsageError(`the key size must be one of ${KEY_SIZES.join(", ")} bits, got ${bits}`, { data: { bits } });
  const privateKeyPath = path.resolve(options.out ?? "signing.pem");
  const publicKeyPath = publicKeyPathFor(privateKeyPath);
  if (!options.force) {
    for (const p of [privateKeyPath, publicKeyPath]) {
      if (await exists(p)) {
        throw new InputError("key-exists", `${p} already exists; refusing to overwrite a key`, { hint: "choose another path, or set force to replace it", data: { path: p } });
      }
    }
  }
  // A folder made for keys is private, like the key in it.
  const createdFolder = await createParentFolders(privateKeyPath, 0o700);
  const { privateKey, publicKey } = await promisify(generateRsaKeyPair)("rsa", { modulusLength: bits });
  // Both are written to temporary files and renamed, so a failure never leaves half a key behind.
  await writeFileAtomic(privateKeyPath, privateKey.export({ type: "pkcs1", format: "pem" }) as string, 0o600);
  await writeFileAtomic(publicKeyPath, publicKey.export({ type: "spki", format: "pem" }) as string, 0o644);
  return { privateKeyPath, publicKeyPath, fingerprint: keyFingerprint(publicKey), bits, ...(createdFolder !== undefined && { createdFolder }) };
}
