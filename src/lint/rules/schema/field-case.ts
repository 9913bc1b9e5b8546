import type { RuleMeta } from "../../types.js";

/** Reported by schema validation (src/lint/validate/document.ts, from the case-insensitive walk of validate/schema-walk.ts). */
export const fieldCase = {
  id: "field-case",
  defaultSeverity: "warning",
  description: "A field written with different capitals than the gateway's (e.g. `Monitor`): the gateway reads it, other tools may not.",
  help: "Go's JSON decoder matches keys case-insensitively, so the gateway reads `Monitor` as `monitor`; the Dashboard, tyk-sync and most other tools do not. Write the canonical spelling.",
} as const satisfies RuleMeta;
