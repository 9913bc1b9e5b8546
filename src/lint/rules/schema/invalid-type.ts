import type { RuleMeta } from "../../types.js";

/** Reported by schema validation (src/lint/validate/findings.ts). */
export const invalidType = {
  id: "invalid-type",
  defaultSeverity: "error",
  description: "A value has the wrong JSON type (e.g. a quoted number).",
  help: "The gateway refuses to load a definition or config whose values have the wrong JSON type. Use the type named in the message (`8080`, not `\"8080\"`).",
} as const satisfies RuleMeta;
