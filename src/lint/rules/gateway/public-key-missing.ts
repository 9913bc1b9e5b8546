import { existsSync } from "node:fs";
import path from "node:path";
import { valueAt } from "../../read/pointer.js";
import type { Rule } from "../../types.js";
import { publicKeyCandidates } from "../support/public-key-file.js";

export const publicKeyMissing: Rule = {
  id: "public-key-missing",
  defaultSeverity: "warning",
  kinds: ["tyk-conf"],
  description: "`public_key_path` in tyk.conf names a file that does not exist.",
  help: "With `public_key_path` set the gateway verifies every bundle's signature with that key; if the file is missing, no bundle loads. Relative paths are looked up next to the tyk.conf and in the current directory; a path that only exists inside a container cannot be checked here (set this rule to off in that case).",
  check(doc, ctx) {
    const keyPath = valueAt(doc.value, "/public_key_path");
    if (typeof keyPath !== "string" || keyPath === "") return [];
    const candidates = publicKeyCandidates(keyPath, doc, ctx);
    if (candidates.some((c) => existsSync(c))) return [];
    const where = path.isAbsolute(keyPath) ? "" : ` (looked for ${candidates.join(" and ")})`;
    return [{ pointer: "/public_key_path", message: `public key ${JSON.stringify(keyPath)} does not exist${where}; the gateway will refuse every bundle` }];
  },
};
