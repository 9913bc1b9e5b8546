import type { RuleMeta } from "../../types.js";

/** Reported with `--bundles` (src/lint/rules/support/bundles-dir.ts). */
export const bundleMissing = {
  id: "bundle-missing",
  defaultSeverity: "error",
  description: "With --bundles: a `custom_middleware_bundle` is not in the bundles directory.",
  help: "The gateway downloads the bundle from `bundle_base_url` + the bundle name; a missing file fails the API. Build it, or fix the name.",
} as const satisfies RuleMeta;
