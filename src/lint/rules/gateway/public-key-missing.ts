import { existsSync } from "node:fs";
import path from "node:path";
import { valueAt } from "../../read/pointer.js";
import type { Rule } from "../../types.js";
import { inProject, publicKeyCandidates } from "../support/public-key-file.js";

export const publicKeyMissing: Rule = {
  id: "public-key-missing",
  defaultSeverity: "warning",
  kinds: ["tyk-conf"],
  description: "`public_key_path` in tyk.conf names a file that does not exist.",
  help: "With `public_key_path` set the gateway verifies every bundle's signature with that key (gateway/coprocess_bundle.go `Bundle.Verify`); if the file is missing, no bundle loads. Relative paths are looked up next to the tyk.conf and in the current directory. An absolute path is a path on the gateway's machine: it is looked up by its last one or two names (`certs/public.pem`) next to the tyk.conf and in the folder above it, where a docker-compose file mounts it from, and not reported when the repository does not hold it, since it may be in the image or on the host.",
  check(doc, ctx) {
    const keyPath = valueAt(doc.value, "/public_key_path");
    if (typeof keyPath !== "string" || keyPath === "") return [];
    const candidates = publicKeyCandidates(keyPath, doc, ctx);
    if (candidates.some((c) => existsSync(c))) return [];
    // A path on the gateway's machine that the repository does not hold: whether it exists there is not known here.
    if (path.isAbsolute(keyPath) && !inProject(keyPath, ctx)) return [];
    const where = path.isAbsolute(keyPath) ? "" : ` (looked for ${candidates.join(" and ")})`;
    return [{ pointer: "/public_key_path", message: `public key ${JSON.stringify(keyPath)} does not exist${where}; the gateway will refuse every bundle` }];
  },
};
