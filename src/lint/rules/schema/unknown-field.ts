import type { RuleMeta } from "../../types.js";

/** Reported by schema validation (src/lint/validate/findings.ts). */
export const unknownField = {
  id: "unknown-field",
  defaultSeverity: "warning",
  description: "A field the gateway does not know; it ignores it.",
  help: "A misspelt key (`listen_pth`) is silently ignored by the gateway, so the setting you meant never applies. Fix the spelling (a close match is suggested) or remove the field.",
} as const satisfies RuleMeta;
