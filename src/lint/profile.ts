/**
 * Profiles: `--profile production` is the CI gate. It turns the warnings of security rules into
 * errors; a rule the config switches off stays off, and one it sets to error stays an error.
 */
import type { Profile, RuleMeta, RuleSeverity } from "./types.js";

/** Rules outside `security/` that guard the same things: Tyk's published secrets, unexplained ignores. */
const ALSO_SECURITY = new Set(["example-secret", "ignore-without-reason"]);

export function isSecurityRule(rule: Pick<RuleMeta, "id">): boolean {
  return rule.id.startsWith("security/") || ALSO_SECURITY.has(rule.id);
}

/** The severity a rule reports with under `profile`, given the one the config (or its default) sets. */
export function profileSeverity(rule: Pick<RuleMeta, "id">, severity: RuleSeverity, profile: Profile = "default"): RuleSeverity {
  return profile === "production" && severity === "warning" && isSecurityRule(rule) ? "error" : severity;
}
