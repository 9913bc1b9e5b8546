/**
 * Content-addressed bundle names, `<name>-<first 12 hex of the zip's SHA-256>.zip`, shared by
 * `serve --watch` and `bundle publish`. The gateway never downloads a bundle name it has already
 * unpacked (gateway/coprocess_bundle.go, loadBundle: the folder named by getHashedBundleName exists
 * → "Loading existing bundle"), so a changed bundle needs a new name; builds are reproducible, so the
 * name changes exactly when the content does. 12 hex digits (48 bits) keep a store that holds every
 * release of a plugin clear of accidental collisions.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

const HASH_DIGITS = 12;

export async function fileSha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export function sha256Hex(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** A file or folder name reduced to characters that need no escaping in a URL path. */
export function urlSafeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[.-]+/, "") || "bundle";
}

export function contentAddressedName(base: string, sha256: string): string {
  return `${base}-${sha256.slice(0, HASH_DIGITS)}.zip`;
}

/**
 * The base a name was made from: `auth-0123456789ab.zip` → `auth` when the digits are a prefix of
 * the content's hash (a bundle published or served before), else the name without `.zip`. Names
 * from older builds of `serve --watch` carry 8 digits, which match too.
 */
export function baseNameOf(fileName: string, sha256: string): string {
  const stem = fileName.replace(/\.zip$/i, "");
  const m = /^(.+)-([0-9a-f]{8,64})$/.exec(stem);
  return m && sha256.startsWith(m[2]!) ? m[1]! : stem;
}

/** Whether `reference` names a build of `base`: `<base>.zip` or `<base>-<8 to 64 hex digits>.zip`. */
export function namesBuildOf(reference: string, base: string): boolean {
  if (reference === `${base}.zip`) return true;
  return reference.startsWith(`${base}-`) && /^[0-9a-f]{8,64}\.zip$/.test(reference.slice(base.length + 1));
}
