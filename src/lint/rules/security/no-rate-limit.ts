import { valueAt } from "../../read/pointer.js";
import type { LintDocument, RuleFinding } from "../../types.js";
import { apiAuth, API_KINDS, isTrue, OAS_EXTENSION, OWASP, type SecurityRule } from "../support/security.js";

export const noRateLimit: SecurityRule = {
  id: "security/no-rate-limit",
  defaultSeverity: "warning",
  kinds: API_KINDS,
  owasp: OWASP.unrestrictedResourceConsumption,
  description: "A protected API turns off both the per-key rate limit and the quota and has no API-wide rate limit.",
  help: "Keys get their rate limits and quotas from their sessions and policies, but an API can switch both checks off (Classic `disable_rate_limit` and `disable_quota`; Tyk OAS `middleware.global.skipRateLimit` and `skipQuota`). Without an API-wide limit as well (Classic `global_rate_limit`, Tyk OAS `upstream.rateLimit`), a single client can exhaust the upstream.",
  fix: "Keep per-key rate limiting or the quota on (set `disable_rate_limit`/`disable_quota`, or `skipRateLimit`/`skipQuota`, to false), or set an API-wide limit: Classic `global_rate_limit: {\"rate\": 100, \"per\": 60}`, Tyk OAS `upstream.rateLimit: {\"enabled\": true, \"rate\": 100, \"per\": \"60s\"}`.",
  check(doc) {
    const auth = apiAuth(doc);
    if (!auth || auth.keyless) return [];
    return doc.kind === "classic-api" ? classic(doc) : oas(doc);
  },
};

function classic(doc: LintDocument): RuleFinding[] {
  const api = doc.value;
  if (!isTrue(api, "/disable_rate_limit") || !isTrue(api, "/disable_quota")) return [];
  const rate = valueAt(api, "/global_rate_limit/rate");
  const per = valueAt(api, "/global_rate_limit/per");
  const globalLimit = !isTrue(api, "/global_rate_limit/disabled") && typeof rate === "number" && rate > 0 && typeof per === "number" && per > 0;
  if (globalLimit) return [];
  return [{ pointer: "/disable_rate_limit", message: "`disable_rate_limit` and `disable_quota` are both true and `global_rate_limit` is not set: no limit applies to any key" }];
}

function oas(doc: LintDocument): RuleFinding[] {
  const global = `${OAS_EXTENSION}/middleware/global`;
  if (!isTrue(doc.value, `${global}/skipRateLimit`) || !isTrue(doc.value, `${global}/skipQuota`)) return [];
  const limit = `${OAS_EXTENSION}/upstream/rateLimit`;
  const rate = valueAt(doc.value, `${limit}/rate`);
  if (isTrue(doc.value, `${limit}/enabled`) && typeof rate === "number" && rate > 0) return [];
  return [{ pointer: `${global}/skipRateLimit`, message: "`skipRateLimit` and `skipQuota` are both true and `upstream.rateLimit` is not enabled: no limit applies to any key" }];
}
