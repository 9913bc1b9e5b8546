import { childPointer, fieldName, valueAt } from "../../read/pointer.js";
import type { RuleFinding } from "../../types.js";
import { API_KINDS, OWASP, type SecurityRule } from "../support/security.js";
import { MAX_SKEW_SECONDS, jwtConfigs } from "../support/jwt.js";

export const jwtWeakValidation: SecurityRule = {
  id: "security/jwt-weak-validation",
  defaultSeverity: "warning",
  kinds: API_KINDS,
  owasp: OWASP.brokenAuthentication,
  description: `JWT checks are weakened: the token's \`kid\` is ignored (\`jwt_skip_kid\`, Tyk OAS \`skipKid\`) or a clock-skew allowance exceeds ${MAX_SKEW_SECONDS} seconds.`,
  help: `With the key id skipped the gateway does not use the token's \`kid\` header to pick the key that verifies it: it falls back to the identity claim or to the keys configured for the API, so tokens are no longer bound to the key they name, which weakens key rotation and revocation. A validation skew (\`jwt_expires_at_validation_skew\` and the \`iat\`/\`nbf\` ones; Tyk OAS \`expiresAtValidationSkew\`, …) above ${MAX_SKEW_SECONDS} seconds keeps expired tokens working, and accepts tokens dated in the future, for that long.`,
  fix: `Set \`jwt_skip_kid\` (Tyk OAS \`skipKid\`) to false and have the identity provider put the key id in each token's \`kid\` header; keep validation skews at a few seconds (at most ${MAX_SKEW_SECONDS}) and synchronise clocks instead.`,
  check(doc) {
    return jwtConfigs(doc).flatMap((c) => {
      const findings: RuleFinding[] = [];
      const skipKid = c.fields.skipKid && childPointer(c.at, c.fields.skipKid);
      if (skipKid && valueAt(doc.value, skipKid) === true) {
        findings.push({ pointer: skipKid, message: `\`${fieldName(skipKid)}\` is true: the token's key id is ignored when its signature is checked` });
      }
      for (const field of c.fields.skews) {
        const pointer = childPointer(c.at, field);
        const skew = valueAt(doc.value, pointer);
        if (typeof skew === "number" && skew > MAX_SKEW_SECONDS) {
          findings.push({ pointer, message: `\`${fieldName(pointer)}\` is ${skew} seconds: tokens are accepted that far outside their validity (keep it at most ${MAX_SKEW_SECONDS})` });
        }
      }
      return findings;
    });
  },
};
