import type { RuleMeta } from "../../types.js";

/** Found in the environment a gateway gets (src/lint/validate/env.ts). */
export const envMisspeltVariable = {
  id: "env-misspelt-variable",
  defaultSeverity: "error",
  description: "A TYK_GW_* variable that the gateway does not read, and that is one slip away from one it does.",
  help: "The gateway reads TYK_GW_ followed by the Go field names of its config struct, upper-cased and joined by `_` (envconfig): `enable_bundle_downloader` is TYK_GW_ENABLEBUNDLEDOWNLOADER, not TYK_GW_ENABLE_BUNDLE_DOWNLOADER, and `tracing.enabled` is TYK_GW_TRACER_ENABLED. A wrong name is ignored without a word, so the setting silently keeps its tyk.conf or default value. Use the name suggested; `tyk-ts config env <field>` prints any field's variable.",
} as const satisfies RuleMeta;
