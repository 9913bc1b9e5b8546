/** What a policy sets, with partitions taken into account. */
import { isObject } from "../../read/pointer.js";
import type { LintDocument } from "../../types.js";

/** What a policy sets: with partitions on, only the parts that are switched on. */
interface PolicyScope {
  policy: Record<string, unknown>;
  setsAccess: boolean;
  setsLimits: boolean;
}

export function policyScope(doc: LintDocument): PolicyScope | undefined {
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

export const positive = (value: unknown): boolean => typeof value === "number" && value > 0;

/** A rate limit (`rate` per `per` seconds, both positive) or a quota (`quota_max` > 0; -1 is unlimited). */
export function limits(limit: unknown): boolean {
  if (!isObject(limit)) return false;
  return (positive(limit.rate) && positive(limit.per)) || positive(limit.quota_max);
}
