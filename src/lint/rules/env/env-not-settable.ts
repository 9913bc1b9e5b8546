import type { RuleMeta } from "../../types.js";

/** Found in the environment a gateway gets (src/lint/validate/env.ts). */
export const envNotSettable = {
  id: "env-not-settable",
  defaultSeverity: "warning",
  description: "A TYK_GW_* variable for a field envconfig cannot fill (lists or maps of objects), or a list whose items keep their spaces.",
  help: "envconfig splits list and map variables on commas and colons and has no way to build objects, so fields such as override_messages or event_handlers.events end up with empty entries: set them in tyk.conf. It does not trim either: `a, b` gives the items \"a\" and \" b\".",
} as const satisfies RuleMeta;
