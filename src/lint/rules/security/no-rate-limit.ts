import { valueAt } from "../../read/pointer.js";
import type { LintDocument, RuleFinding } from "../../types.js";
import { apiAuth, API_KINDS, isTrue, OAS_EXTENSION, OWASP, type SecurityRule } from "../support/security.js";

/**
 * The gateway's API-wide limiter is RateLimitForAPI (gateway/mw_api_rate_limit.go): its
 * `shouldEnable` returns false first thing when `DisableRateLimit` is set, so `disable_rate_limit`
 * (OAS `skipRateLimit`, extracted to the same field by `Global.extractSkipsTo` in apidef/oas/middleware.go) switches off `global_rate_limit` (OAS
 * `upstream.rateLimit`) and the per-endpoint limits along with the per-key one.
 */
export const noRateLimit: SecurityRule = {
  id: "security/no-rate-limit",
  defaultSeverity: "warning",
  kinds: API_KINDS,
  owasp: OWASP.unrestrictedResourceConsumption,
  description: "An API turns off rate limiting and the quota, or sets an API-wide rate limit that `disable_rate_limit` switches off.",
  help: "Keys get their rate limits and quotas from their sessions and policies, but an API can switch both checks off (Classic `disable_rate_limit` and `disable_quota`; Tyk OAS `middleware.global.skipRateLimit` and `skipQuota`); then a single client can exhaust the upstream. An API-wide limit (Classic `global_rate_limit`, Tyk OAS `upstream.rateLimit`) does not help there: the gateway's RateLimitForAPI middleware (gateway/mw_api_rate_limit.go, `shouldEnable`) is off whenever `disable_rate_limit` is true, so the API-wide and per-endpoint limits are never applied either.",
  fix: "Keep rate limiting on (`disable_rate_limit: false`, Tyk OAS `skipRateLimit: false`) and set the limit you want: per key in policies, or API-wide with Classic `global_rate_limit: {\"rate\": 100, \"per\": 60}`, Tyk OAS `upstream.rateLimit: {\"enabled\": true, \"rate\": 100, \"per\": \"60s\"}`.",
  check(doc) {
    return doc.kind === "classic-api" ? classic(doc) : oas(doc);
  },
};

function classic(doc: LintDocument): RuleFinding[] {
  const api = doc.value;
  if (!isTrue(api, "/disable_rate_limit")) return [];
  const rate = valueAt(api, "/global_rate_limit/rate");
  const globalLimit = !isTrue(api, "/global_rate_limit/disabled") && typeof rate === "number" && rate > 0;
  if (globalLimit) {
    return [{ pointer: "/global_rate_limit", message: "`global_rate_limit` is never applied: `disable_rate_limit` is true, which switches off the API-wide limit too (RateLimitForAPI.shouldEnable); set `disable_rate_limit` to false" }];
  }
  const auth = apiAuth(doc);
  if (!auth || auth.keyless || !isTrue(api, "/disable_quota")) return [];
  return [{ pointer: "/disable_rate_limit", message: "`disable_rate_limit` and `disable_quota` are both true: no rate limit or quota applies to any key" }];
}

function oas(doc: LintDocument): RuleFinding[] {
  const global = `${OAS_EXTENSION}/middleware/global`;
  if (!isTrue(doc.value, `${global}/skipRateLimit`)) return [];
  const limit = `${OAS_EXTENSION}/upstream/rateLimit`;
  const rate = valueAt(doc.value, `${limit}/rate`);
  if (isTrue(doc.value, `${limit}/enabled`) && typeof rate === "number" && rate > 0) {
    return [{ pointer: limit, message: "`upstream.rateLimit` is never applied: `skipRateLimit` is true, which switches off the API-wide limit too (RateLimitForAPI.shouldEnable); set `skipRateLimit` to false" }];
  }
  const auth = apiAuth(doc);
  if (!auth || auth.keyless || !isTrue(doc.value, `${global}/skipQuota`)) return [];
  return [{ pointer: `${global}/skipRateLimit`, message: "`skipRateLimit` and `skipQuota` are both true: no rate limit or quota applies to any key" }];
}
