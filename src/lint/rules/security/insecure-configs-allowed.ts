import { valueAt } from "../../read/pointer.js";
import { OWASP, type SecurityRule } from "../support/security.js";

export const insecureConfigsAllowed: SecurityRule = {
  id: "security/insecure-configs-allowed",
  defaultSeverity: "warning",
  kinds: ["tyk-conf"],
  owasp: OWASP.securityMisconfiguration,
  description: "`allow_insecure_configs` is on: the gateway accepts Dashboard messages without checking their signature.",
  help: "Tyk's documentation describes this switch as turning off the verification of Dashboard message signatures, so `public_key_path` is no longer needed: whoever can send the gateway such messages, for example through a compromised Redis, can push configuration and code to it.",
  fix: "Set `allow_insecure_configs: false` and configure `public_key_path` with the Dashboard's public key.",
  check(doc) {
    if (valueAt(doc.value, "/allow_insecure_configs") !== true) return [];
    return [{ pointer: "/allow_insecure_configs", message: "`allow_insecure_configs` is true: Dashboard messages are accepted without a signature check" }];
  },
};
