import type { RuleMeta } from "../../types.js";

/**
 * Reported while reading a file (src/lint/read/source.ts finds the data, src/lint/engine.ts decides
 * by the kind of document): the loaders that stop after the first value are json.NewDecoder's
 * (config/config.go `Load` for tyk.conf; gateway/policy.go `LoadPoliciesFromFile` and
 * `LoadPoliciesFromDir`; the bundle loader's manifest.json). API definitions are read with
 * os.ReadFile and json.Unmarshal (gateway/api_definition.go `loadDefFromFilePath`), which refuses
 * the whole file: there it is a `syntax` error.
 */
export const trailingData = {
  id: "trailing-data",
  defaultSeverity: "warning",
  description: "More data follows the complete JSON value of a tyk.conf, policy file or bundle manifest; the gateway reads the first value and ignores the rest.",
  help: "The gateway reads tyk.conf (config.Load), policies.json and policy_path files (LoadPoliciesFromFile, LoadPoliciesFromDir) and bundle manifests with Go's json.Decoder, which stops after the first JSON value: what follows it is never read, so settings written there have no effect. Other tools (jq, editors, JSON.parse) refuse the file. API definitions are read with json.Unmarshal, which refuses the whole file: for them the same thing is a `syntax` error. Remove what follows the value, or merge it into the value.",
} as const satisfies RuleMeta;
