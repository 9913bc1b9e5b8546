import { valueAt } from "../../read/pointer.js";
import { OWASP, type SecurityRule } from "../support/security.js";
import { gatewaySecretIsWeak } from "../support/secrets.js";

export const hashedKeysListing: SecurityRule = {
  id: "security/hashed-keys-listing",
  defaultSeverity: "warning",
  kinds: ["tyk-conf"],
  owasp: OWASP.brokenAuthentication,
  description: "`enable_hashed_keys_listing` is on while the control API `secret` is an example or weak value.",
  help: "Key listing lets whoever holds the control API secret enumerate every key hash and its session: with a guessable `secret` that is anyone who can reach the control API.",
  fix: "Set a strong random `secret` (see security/weak-secret), or turn `enable_hashed_keys_listing` off.",
  check(doc) {
    if (valueAt(doc.value, "/enable_hashed_keys_listing") !== true || !gatewaySecretIsWeak(doc.value)) return [];
    return [{ pointer: "/enable_hashed_keys_listing", message: "`enable_hashed_keys_listing` is true while `secret` is an example or weak value: anyone who guesses it can list every key" }];
  },
};
