import { valueAt } from "../../read/pointer.js";
import { firstExisting, OWASP, type SecurityRule } from "../support/security.js";

export const hashKeysOff: SecurityRule = {
  id: "security/hash-keys-off",
  defaultSeverity: "warning",
  kinds: ["tyk-conf"],
  owasp: OWASP.securityMisconfiguration,
  description: "`hash_keys` is off (or not set, which the gateway reads as off): API keys are stored in Redis in plain text.",
  help: "Without hashing, anyone who can read Redis, its backups or the control API's key listing gets every working API key.",
  fix: "Set `hash_keys: true` (existing keys keep working; new ones are stored hashed). If the value comes from the environment (TYK_GW_HASHKEYS), ignore this finding in the config with that reason.",
  check(doc) {
    const value = valueAt(doc.value, "/hash_keys");
    if (value === true) return [];
    const pointer = firstExisting(doc.value, "/hash_keys", "");
    return [{ pointer, message: `${value === undefined ? "`hash_keys` is not set, so it is false" : "`hash_keys` is false"}: API keys are stored in Redis in plain text` }];
  },
};
