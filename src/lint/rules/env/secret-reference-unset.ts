import type { RuleMeta } from "../../types.js";

/** Found when lint knows the gateway's environment (src/lint/validate/env.ts). */
export const secretReferenceUnset = {
  id: "secret-reference-unset",
  defaultSeverity: "error",
  description: "An env:// or $secret_env. reference to a TYK_SECRET_* variable that the gateway's environment does not set, or a secrets:// / $secret_conf. key the config's secrets map lacks.",
  help: "The gateway resolves `env://name` and `$secret_env.name` from the variable TYK_SECRET_NAME (upper-cased) and uses an empty string when it is not set; `secrets://name` and `$secret_conf.name` read tyk.conf's `secrets` map (TYK_GW_SECRETS), and a missing key stops the gateway (gateway/server.go, kvStore). Set the variable where the gateway runs, or fix the reference.",
} as const satisfies RuleMeta;
