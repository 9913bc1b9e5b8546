import type { RuleMeta } from "../../types.js";

/** Found in the environment a gateway gets (src/lint/validate/env.ts). */
export const envInvalidValue = {
  id: "env-invalid-value",
  defaultSeverity: "error",
  description: "A TYK_GW_* value envconfig cannot parse for its field's type: the gateway refuses to start.",
  help: "The gateway parses each variable with envconfig and exits on the first value it cannot read (\"failed to process config env vars\"). Booleans take true/false/1/0/t/f (not yes/no); integers are Go integers (a leading 0 is octal, 0x hex); durations need a unit (10s, 1h30m) even though tyk.conf holds the same field in nanoseconds; maps are `key:value,key2:value2` with no `:` inside values; a set but empty variable is parsed too.",
} as const satisfies RuleMeta;
