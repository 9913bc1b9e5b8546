import { TYK_CONF_COMMIT } from "../../../config/tyk-conf-fields.js";
import type { RuleMeta } from "../../types.js";

/** Found in the environment a gateway gets (src/lint/validate/env.ts). */
export const envUnknownVariable = {
  id: "env-unknown-variable",
  defaultSeverity: "warning",
  description: "A TYK_GW_* variable that no field of this gateway's config reads (or one of a field that was removed).",
  help: `The gateway ignores variables it has no field for. The name may belong to another gateway version (the list is the config struct of github.com/TykTechnologies/tyk at commit ${TYK_CONF_COMMIT.slice(0, 12)}), or to a field that was removed, such as TYK_GW_USEASYNCSESSIONWRITE. Remove it, or check the name with \`tyk-ts config env\`.`,
} as const satisfies RuleMeta;
