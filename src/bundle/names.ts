/**
 * How the gateway treats names inside a bundle (TYK-FACTS "How the gateway loads a bundle", step 4).
 * Build uses these rules to refuse names that would not unpack; verify uses them to predict the
 * gateway's verdict.
 */
import path from "node:path";

/** Go's filepath.Clean on a slash-separated path. */
export function goClean(p: string): string {
  if (p === "") return ".";
  let out = path.posix.normalize(p);
  while (out.length > 1 && out.endsWith("/")) out = out.slice(0, -1);
  return out;
}

/**
 * Why the gateway's unpacker refuses a zip entry name, or undefined when it accepts it.
 * The gateway refuses absolute names and names whose cleaned form starts with "..": that is a
 * string-prefix test, so it also refuses a harmless name such as "..hidden.py".
 */
export function unpackRefusal(name: string): string | undefined {
  if (name.startsWith("/")) return "is an absolute path";
  const cleaned = goClean(name);
  if (cleaned === ".." || cleaned.startsWith("../")) return "leaves the bundle directory";
  if (cleaned.startsWith("..")) return 'starts with ".." (the gateway refuses any name that does, even when it stays inside the bundle)';
  return undefined;
}

/** The directories that must exist before `name` can be created, parents first ("a/b/c.py" → a/, a/b/). */
export function ancestorDirectories(cleanName: string): string[] {
  const parts = cleanName.split("/");
  const dirs: string[] = [];
  for (let i = 1; i < parts.length; i++) dirs.push(`${parts.slice(0, i).join("/")}/`);
  return dirs;
}

export const MANIFEST_NAME = "manifest.json";
