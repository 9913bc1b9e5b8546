import type { RuleMeta } from "../../types.js";

/** Reported by schema validation (src/lint/validate/document.ts, from validate/deprecated-fields.ts). */
export const deprecatedField = {
  id: "deprecated-field",
  defaultSeverity: "warning",
  description: "A field the gateway marks as deprecated is set.",
  help: "Deprecated fields may stop working in a later gateway version; move to the replacement named in Tyk's documentation.",
} as const satisfies RuleMeta;
