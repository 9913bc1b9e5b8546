import type { RuleMeta } from "../../types.js";

/** Reported by schema validation (src/lint/validate/findings.ts). */
export const missingField = {
  id: "missing-field",
  defaultSeverity: "error",
  description: "A required field is missing.",
  help: "Add the field named in the message to the object shown.",
} as const satisfies RuleMeta;
