import { valueAt } from "../../read/pointer.js";
import { OWASP, type SecurityRule } from "../support/security.js";
import { SECRET_FIELDS, secretWeakness } from "../support/secrets.js";

export const weakSecret: SecurityRule = {
  id: "security/weak-secret",
  defaultSeverity: "warning",
  kinds: ["tyk-conf"],
  owasp: OWASP.brokenAuthentication,
  description: "`secret` or `node_secret` in tyk.conf is short, a repeated character or a placeholder.",
  help: "`secret` is the only credential of the gateway's control API, which creates keys, reads and changes API definitions and policies; `node_secret` authenticates the node to a Dashboard. A short or placeholder value can be guessed. Tyk's published example values are reported by `example-secret`; empty values (set through the environment instead) and values read from a KV store (`env://`, `secrets://`, `vault://`, `consul://`, `$secret_…`) are not checked.",
  fix: "Generate a long random value (`openssl rand -hex 32`) and pass it through the environment (TYK_GW_SECRET, TYK_GW_NODESECRET) or a secret store rather than the file.",
  check(doc) {
    return SECRET_FIELDS.flatMap((pointer) => {
      const value = valueAt(doc.value, pointer);
      const weakness = typeof value === "string" ? secretWeakness(value) : undefined;
      return weakness ? [{ pointer, message: `\`${pointer.slice(1)}\` ${weakness}: it can be guessed` }] : [];
    });
  },
};
