import type { RuleMeta } from "../../types.js";

/** Reported with `--bundles` (src/lint/rules/support/bundles-dir.ts). */
export const bundleRefused = {
  id: "bundle-refused",
  defaultSeverity: "error",
  description: "With --bundles: a bundle an API uses would be refused by the gateway (`bundle verify` fails).",
  help: "Run `tyk-ts bundle verify` on the bundle for details; rebuild it with `tyk-ts bundle build`.",
} as const satisfies RuleMeta;
