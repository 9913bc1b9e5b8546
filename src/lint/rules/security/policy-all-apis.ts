import { childPointer, isObject } from "../../read/pointer.js";
import { firstExisting, OWASP, type SecurityRule } from "../support/security.js";
import { policyScope } from "../support/policy-scope.js";

export const policyAllApis: SecurityRule = {
  id: "security/policy-all-apis",
  defaultSeverity: "warning",
  kinds: ["policy"],
  owasp: OWASP.brokenFunctionLevelAuthorization,
  description: "A policy grants access to every API: its `access_rights` are empty or use a wildcard.",
  help: "The gateway lets a key with no access rights through to every API it serves, including APIs added later, so a policy with empty `access_rights` hands out unlimited access; a `*` entry is meant the same way. Policies with partitions that leave out the ACL part are not reported, nor Tyk Operator and Dashboard policies that list their APIs in `access_rights_array` (those tools fill `access_rights` from it).",
  fix: "List the APIs (and versions) the policy is for in `access_rights`, keyed by their API id.",
  check(doc) {
    const scope = policyScope(doc);
    if (!scope?.setsAccess) return [];
    // The Operator and the Dashboard turn `access_rights_array` into `access_rights` before the gateway sees the policy.
    const listed = scope.policy.access_rights_array;
    if ((doc.wrapper === "operator" || doc.wrapper === "dashboard") && Array.isArray(listed) && listed.length > 0) return [];
    const rights = scope.policy.access_rights;
    if (isObject(rights)) {
      const wildcard = Object.keys(rights).find((id) => id === "*" || (isObject(rights[id]) && rights[id].api_id === "*"));
      if (wildcard !== undefined) {
        return [{ pointer: childPointer("/access_rights", wildcard), at: "key", message: "`access_rights` has a wildcard entry: keys from this policy can call every API" }];
      }
      if (Object.keys(rights).length > 0) return [];
    }
    return [{ pointer: firstExisting(doc.value, "/access_rights", ""), message: "`access_rights` is empty: keys from this policy can call every API on the gateway, including ones added later" }];
  },
};
