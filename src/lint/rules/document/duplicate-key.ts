import type { RuleMeta } from "../../types.js";

/**
 * Reported by schema validation (src/lint/validate/document.ts): read/duplicate-keys.ts finds the
 * keys, validate/go-decode.ts works out what Go's encoding/json makes of them.
 */
export const duplicateKey = {
  id: "duplicate-key",
  defaultSeverity: "warning",
  description: "A key is written twice in the same JSON object; the finding names both places and the value the gateway uses.",
  help: "JSON parsers disagree about repeated keys, and the gateway's is not the one most tools use. Go's encoding/json (the gateway, config.Load, the policy loaders) decodes the second occurrence into what the first produced: a scalar or list of scalars takes the last value (`allow_master_keys` false then true is true), but two objects for the same struct field are merged field by field, and a map keeps the entries of both. Keep one occurrence, holding what you mean.",
} as const satisfies RuleMeta;
