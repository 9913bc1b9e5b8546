import path from "node:path";
import type { LintContext, LintDocument } from "../../types.js";

/**
 * Where the gateway's `public_key_path` may be. Relative: next to the tyk.conf or in the current
 * directory. Absolute: as given, or, for a path on the gateway's machine (`/opt/tyk-gateway/certs/public.pem`,
 * usually mounted from the repository), by its last one or two names next to the tyk.conf or in the folder above it.
 */
export function publicKeyCandidates(keyPath: string, doc: LintDocument, ctx: LintContext): string[] {
  const confDir = path.dirname(doc.absolutePath);
  if (!path.isAbsolute(keyPath)) return [...new Set([path.resolve(confDir, keyPath), path.resolve(ctx.cwd, keyPath)])];
  const names = keyPath.split(/[\\/]+/).filter(Boolean);
  const tails = [names.slice(-2), names.slice(-1)].filter((t) => t.length > 0);
  return [...new Set([keyPath, ...[confDir, path.dirname(confDir)].flatMap((dir) => tails.map((t) => path.join(dir, ...t)))])];
}

/** Whether an absolute `public_key_path` names a place in the linted project, where its absence is known. */
export function inProject(keyPath: string, ctx: LintContext): boolean {
  const rel = path.relative(ctx.cwd, keyPath);
  return !rel.startsWith("..") && !path.isAbsolute(rel);
}
