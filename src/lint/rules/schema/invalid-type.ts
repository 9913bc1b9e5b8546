import type { RuleMeta } from "../../types.js";

/**
 * Reported by schema validation (src/lint/validate/findings.ts) and by the check of numbers as
 * written (src/lint/validate/number-literals.ts: Go's decode.go `literalStore` refuses `8080.0` in
 * an int).
 */
export const invalidType = {
  id: "invalid-type",
  defaultSeverity: "error",
  description: "A value has the wrong JSON type (e.g. a quoted number, or 8080.0 in an integer field).",
  help: "The gateway refuses to load a definition or config whose values have the wrong JSON type. Use the type named in the message (`8080`, not `\"8080\"`). Go reads an integer field from the number's digits, so `8080.0`, `1e3` and (in an unsigned field) `-0` are refused although other JSON tools read them as whole numbers: write `8080`.",
} as const satisfies RuleMeta;
