/**
 * From a request's raw URL to a file under the served root. Two steps, so each can be tested alone:
 * `parseRequestPath` refuses malformed or hostile paths (400) without touching the disk, and
 * `resolveInRoot` follows symlinks with realpath and checks the result with `path.relative`, never a
 * string prefix (`/srv/bundles-old` starts with `/srv/bundles`, but is not inside it).
 */
import { realpath } from "node:fs/promises";
import path from "node:path";

const MAX_URL_LENGTH = 2048;
const MAX_DEPTH = 32;
const MAX_NAME_BYTES = 255;

export type ParsedRequestPath = { ok: true; segments: string[] } | { ok: false; reason: string };

/**
 * Splits the path on raw `/` first and only then decodes each segment, so `%2f` can never create a
 * separator. Empty segments (`//`, a trailing `/`) are dropped: they name nothing.
 */
export function parseRequestPath(url: string): ParsedRequestPath {
  const refuse = (reason: string): ParsedRequestPath => ({ ok: false, reason });
  if (url.length > MAX_URL_LENGTH) return refuse(`request path longer than ${MAX_URL_LENGTH} characters`);
  const queryStart = url.search(/[?#]/);
  const raw = queryStart === -1 ? url : url.slice(0, queryStart);
  if (!raw.startsWith("/")) return refuse("request path does not start with /");
  if (raw.includes("\\")) return refuse("backslash in request path");
  const segments: string[] = [];
  for (const part of raw.split("/")) {
    if (part === "") continue;
    let name: string;
    try {
      name = decodeURIComponent(part);
    } catch {
      return refuse("malformed percent-encoding in request path");
    }
    if (name.includes("/")) return refuse("encoded slash (%2f) in request path");
    if (name.includes("\\")) return refuse("encoded backslash (%5c) in request path");
    if (name.includes("\0")) return refuse("NUL byte in request path");
    if (/[\x00-\x1f\x7f]/.test(name)) return refuse("control character in request path");
    if (name === "." || name === "..") return refuse(`"${name}" segment in request path`);
    if (Buffer.byteLength(name) > MAX_NAME_BYTES) return refuse(`a name in the request path is longer than ${MAX_NAME_BYTES} bytes`);
    segments.push(name);
  }
  if (segments.length > MAX_DEPTH) return refuse(`request path deeper than ${MAX_DEPTH} levels`);
  return { ok: true, segments };
}

/** Dotfiles are never served or listed: `.git`, `.env`, and the `.name.xxxx.tmp` files of atomic writes. */
export function isHiddenName(name: string): boolean {
  return name.startsWith(".");
}

export type Resolved =
  | { kind: "found"; real: string; relative: string }
  | { kind: "missing" }
  | { kind: "hidden" }
  | { kind: "outside"; real: string }
  | { kind: "forbidden" };

/** True when `real` (already realpath'd) is the root or below it. */
export function isInside(rootReal: string, real: string): boolean {
  const rel = path.relative(rootReal, real);
  return rel === "" || (!path.isAbsolute(rel) && rel !== ".." && !rel.startsWith(`..${path.sep}`));
}

/** Resolves parsed segments under `rootReal` (the realpath of the served root). */
export async function resolveInRoot(rootReal: string, segments: string[]): Promise<Resolved> {
  if (segments.some(isHiddenName)) return { kind: "hidden" };
  let real: string;
  try {
    real = await realpath(path.join(rootReal, ...segments));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === "EACCES" || code === "EPERM" ? { kind: "forbidden" } : { kind: "missing" };
  }
  if (!isInside(rootReal, real)) return { kind: "outside", real };
  const relative = path.relative(rootReal, real);
  // A symlink inside the root may point at a dotfile; the target's name decides.
  if (relative !== "" && relative.split(path.sep).some(isHiddenName)) return { kind: "hidden" };
  return { kind: "found", real, relative };
}
