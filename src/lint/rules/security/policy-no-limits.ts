import { isObject } from "../../read/pointer.js";
import { firstExisting, OWASP, type SecurityRule } from "../support/security.js";
import { limits, policyScope } from "../support/policy-scope.js";

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
