import path from "node:path";
import type { LintContext, LintDocument } from "../../types.js";

/** Where the gateway's `public_key_path` may be: as given when absolute, else next to the tyk.conf or in the current directory. */
export function publicKeyCandidates(keyPath: string, doc: LintDocument, ctx: LintContext): string[] {
  return path.isAbsolute(keyPath) ? [keyPath] : [...new Set([path.resolve(path.dirname(doc.absolutePath), keyPath), path.resolve(ctx.cwd, keyPath)])];
}
