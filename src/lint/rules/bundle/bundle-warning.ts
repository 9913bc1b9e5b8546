import type { RuleMeta } from "../../types.js";

/** Reported with `--bundles` (src/lint/rules/support/bundles-dir.ts). */
export const bundleWarning = {
  id: "bundle-warning",
  defaultSeverity: "warning",
  description: "With --bundles: a bundle an API uses is accepted but `bundle verify` warns about it.",
  help: "Run `tyk-ts bundle verify` on the bundle for details.",
} as const satisfies RuleMeta;
