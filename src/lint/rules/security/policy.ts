import { childPointer, isObject } from "../../pointer.js";
import type { LintDocument } from "../../types.js";
import { firstExisting, OWASP, type SecurityRule } from "./common.js";

/** What a policy sets: with partitions on, only the parts that are switched on. */
interface PolicyScope {
  policy: Record<string, unknown>;
  setsAccess: boolean;
  setsLimits: boolean;
}

function policyScope(doc: LintDocument): PolicyScope | undefined {
  const policy = doc.value;
  // Inactive policies grant nothing: keys that use them are refused.
  if (doc.kind !== "policy" || !isObject(policy) || policy.active === false || policy.is_inactive === true) return undefined;
  const partitions = isObject(policy.partitions) ? policy.partitions : {};
  const partitioned = ["quota", "rate_limit", "complexity", "acl"].some((k) => partitions[k] === true);
  return {
    policy,
    setsAccess: !partitioned || partitions.acl === true,
    setsLimits: !partitioned || partitions.rate_limit === true || partitions.quota === true,
  };
}

const positive = (value: unknown): boolean => typeof value === "number" && value > 0;

/** A rate limit (`rate` per `per` seconds, both positive) or a quota (`quota_max` > 0; -1 is unlimited). */
function limits(limit: unknown): boolean {
  if (!isObject(limit)) return false;
  return (positive(limit.rate) && positive(limit.per)) || positive(limit.quota_max);
}

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

export const policyNoLimits: SecurityRule = {
  id: "security/policy-no-limits",
  defaultSeverity: "warning",
  kinds: ["policy"],
  owasp: OWASP.unrestrictedResourceConsumption,
  description: "A policy sets neither a rate limit nor a quota, globally or per API.",
  help: "Keys from the policy can send as many requests as they like: one misbehaving or compromised client can exhaust the upstream or run up its costs. A rate limit is `rate` requests per `per` seconds (both above 0; -1 disables it), a quota is `quota_max` above 0 (-1 is unlimited); per-API `access_rights.*.limit` counts too. Policies with partitions that leave out both rate limit and quota are not reported.",
  fix: 'Set a rate limit (`"rate": 100, "per": 60`) or a quota (`"quota_max": 10000, "quota_renewal_rate": 3600`) on the policy or on each API in `access_rights`.',
  check(doc) {
    const scope = policyScope(doc);
    if (!scope?.setsLimits || limits(scope.policy)) return [];
    const rights = scope.policy.access_rights;
    if (isObject(rights) && Object.values(rights).some((right) => isObject(right) && limits(right.limit))) return [];
    return [{ pointer: firstExisting(doc.value, "/rate", ""), message: "the policy sets no rate limit and no quota: keys from it are unlimited" }];
  },
};
