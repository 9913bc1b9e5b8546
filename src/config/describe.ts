/** Words for people: what a variable takes, and the config with its secrets hidden. */
import type { EnvKind } from "./envconfig.js";
import { parseReference } from "./secrets.js";

/** What to write in a variable of this kind, e.g. `duration (300ms, 1h30m)`. */
export function describeEnvKind(kind: EnvKind): string {
  switch (kind.kind) {
    case "string":
      return "string";
    case "bool":
      return "bool (true, false, 1, 0, t, f)";
    case "int":
      return `${kind.unsigned ? "uint" : "int"}${kind.bits === 64 ? "" : kind.bits} (0x, 0o, 0b prefixes; a leading 0 is octal)`;
    case "float":
      return `float${kind.bits}`;
    case "duration":
      return "duration (300ms, 10s, 1h30m; a bare number is refused)";
    case "list":
      return `comma-separated list of ${describeEnvKind(kind.item).split(" ")[0]}`;
    case "map":
      return `comma-separated key:value pairs${kind.value === "interface" ? " (values are dropped)" : ""}`;
    case "json":
      return `JSON ${kind.shape}`;
    case "unsupported":
      return "cannot be set from the environment";
  }
}

const SENSITIVE_KEY = /secret|password|token|api_key|license_key/i;
export const REDACTED = "<redacted>";

/** A copy of the config with secret values replaced (references such as env://x are kept: they are not secrets). */
export function redactSecrets(value: unknown, key = ""): unknown {
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, key));
  if (value && typeof value === "object") {
    const inSecrets = key.toLowerCase() === "secrets";
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inSecrets && typeof v === "string" && v !== "" ? REDACTED : redactSecrets(v, k)]));
  }
  if (typeof value === "string" && value !== "" && SENSITIVE_KEY.test(key) && !parseReference(value)) return REDACTED;
  return value;
}
