import type { RuleMeta } from "../../types.js";

/** Reported by schema validation (src/lint/validate/findings.ts). */
export const invalidValue = {
  id: "invalid-value",
  defaultSeverity: "error",
  description: "A value is not one the field accepts (not in the list of allowed values, wrong format, out of range).",
  help: "Use one of the values named in the message; a close match is suggested for misspellings.",
} as const satisfies RuleMeta;
