import { fieldName, valueAt } from "../../read/pointer.js";
import { OAS_EXTENSION, OWASP, type SecurityRule } from "../support/security.js";

const SWITCHES = {
  "classic-api": "/enable_detailed_recording",
  "tyk-oas": `${OAS_EXTENSION}/server/detailedActivityLogs/enabled`,
  "tyk-conf": "/analytics_config/enable_detailed_recording",
} as const;

export const detailedRecording: SecurityRule = {
  id: "security/detailed-recording",
  defaultSeverity: "warning",
  kinds: ["classic-api", "tyk-oas", "tyk-conf"],
  owasp: OWASP.securityMisconfiguration,
  description: "Detailed recording stores full request and response bodies and headers in analytics.",
  help: "Detailed recording (Classic `enable_detailed_recording`, Tyk OAS `server.detailedActivityLogs`, tyk.conf `analytics_config.enable_detailed_recording` for every API, reported when `enable_analytics` is on) writes whole requests and responses, including credentials, tokens and personal data, into Redis and the analytics store, where everyone with Dashboard or database access can read them.",
  fix: "Turn it off, or on only while debugging one API for a short time.",
  check(doc) {
    if (doc.kind !== "classic-api" && doc.kind !== "tyk-oas" && doc.kind !== "tyk-conf") return [];
    const pointer = SWITCHES[doc.kind];
    if (valueAt(doc.value, pointer) !== true) return [];
    // A gateway with analytics off records nothing, detailed or not.
    if (doc.kind === "tyk-conf" && valueAt(doc.value, "/enable_analytics") !== true) return [];
    const scope = doc.kind === "tyk-conf" ? "for every API" : "for this API";
    return [{ pointer, message: `\`${fieldName(pointer)}\` is true: full request and response bodies and headers, including credentials, are recorded in analytics ${scope}` }];
  },
};
