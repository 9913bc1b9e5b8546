import type { RuleMeta } from "../../types.js";

/** Reported when the ignores of the lint config are applied (src/lint/ignores.ts). */
export const ignoreWithoutReason = {
  id: "ignore-without-reason",
  defaultSeverity: "warning",
  description: "An ignore entry in the lint config has no `reason`.",
  help: "Ignoring a finding accepts a risk; the reason tells reviewers and auditors why it was accepted. The entry still applies.",
  fix: 'Add "reason": "<why this finding is acceptable>" to the entry.',
} as const satisfies RuleMeta;
