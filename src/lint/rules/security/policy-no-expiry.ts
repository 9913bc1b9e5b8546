import { firstExisting, OWASP, type SecurityRule } from "../support/security.js";
import { policyScope, positive } from "../support/policy-scope.js";

export const policyNoExpiry: SecurityRule = {
  id: "security/policy-no-expiry",
  defaultSeverity: "warning",
  kinds: ["policy"],
  owasp: OWASP.brokenAuthentication,
  description: "Keys created from a policy never expire (`key_expires_in` absent or 0).",
  help: "A credential that never expires stays valid after the person or system it was issued to has gone, and a leaked one works until someone notices and revokes it by hand.",
  fix: "Set `key_expires_in` to a lifetime in seconds (e.g. 2592000 for 30 days) and rotate keys before they expire.",
  check(doc) {
    const scope = policyScope(doc);
    if (!scope || positive(scope.policy.key_expires_in)) return [];
    const pointer = firstExisting(doc.value, "/key_expires_in", "");
    const how = pointer === "" ? "`key_expires_in` is not set" : `\`key_expires_in\` is ${JSON.stringify(scope.policy.key_expires_in)}`;
    return [{ pointer, message: `${how}: keys created from this policy never expire` }];
  },
};
