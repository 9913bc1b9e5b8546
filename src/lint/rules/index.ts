/**
 * Every rule lint knows. `rules` are the checks beyond the schema (add a rule: write it in this
 * folder and list it here); `CORE_RULES` are the findings of parsing and schema validation. Both
 * take severities from the config file the same way, and all of them appear in docs and SARIF.
 */
import type { Rule, RuleMeta } from "../types.js";
import { bundleNameCollision } from "./bundle-names.js";
import { duplicateApiId, duplicateListenPath } from "./duplicates.js";
import { exampleSecret } from "./example-secret.js";
import { bundleDownloaderDisabled, coprocessDisabled, publicKeyMissing } from "./gateway-config.js";
import { listenPathSlash } from "./listen-path.js";
import { policyUnknownApi } from "./policy-api-refs.js";
import { targetUrl } from "./target-url.js";
import { securityRules } from "./security/index.js";
import { IGNORE_WITHOUT_REASON } from "../ignores.js";

export const rules: readonly Rule[] = [
  listenPathSlash,
  targetUrl,
  duplicateApiId,
  duplicateListenPath,
  policyUnknownApi,
  exampleSecret,
  bundleDownloaderDisabled,
  coprocessDisabled,
  publicKeyMissing,
  bundleNameCollision,
  ...securityRules,
];

export const CORE_RULES = {
  syntax: {
    id: "syntax",
    defaultSeverity: "error",
    description: "The file is not valid JSON or YAML.",
    help: "The gateway cannot read the file at all. Fix the syntax at the position shown (comments and trailing commas are not allowed in JSON).",
  },
  "unknown-kind": {
    id: "unknown-kind",
    defaultSeverity: "warning",
    description: "A file named on the command line is not a Tyk document lint recognises.",
    help: "Lint recognises tyk.conf, Tyk Classic and Tyk OAS API definitions, policies, bundle manifests, Dashboard exports and Tyk Operator resources from their content. Pass --kind to lint the file as one of them.",
  },
  "unknown-field": {
    id: "unknown-field",
    defaultSeverity: "warning",
    description: "A field the gateway does not know; it ignores it.",
    help: "A misspelt key (`listen_pth`) is silently ignored by the gateway, so the setting you meant never applies. Fix the spelling (a close match is suggested) or remove the field.",
  },
  "field-case": {
    id: "field-case",
    defaultSeverity: "warning",
    description: "A field written with different capitals than the gateway's (e.g. `Monitor`): the gateway reads it, other tools may not.",
    help: "Go's JSON decoder matches keys case-insensitively, so the gateway reads `Monitor` as `monitor`; the Dashboard, tyk-sync and most other tools do not. Write the canonical spelling.",
  },
  "invalid-type": {
    id: "invalid-type",
    defaultSeverity: "error",
    description: "A value has the wrong JSON type (e.g. a quoted number).",
    help: "The gateway refuses to load a definition or config whose values have the wrong JSON type. Use the type named in the message (`8080`, not `\"8080\"`).",
  },
  "invalid-value": {
    id: "invalid-value",
    defaultSeverity: "error",
    description: "A value is not one the field accepts (not in the list of allowed values, wrong format, out of range).",
    help: "Use one of the values named in the message; a close match is suggested for misspellings.",
  },
  "missing-field": {
    id: "missing-field",
    defaultSeverity: "error",
    description: "A required field is missing.",
    help: "Add the field named in the message to the object shown.",
  },
  "deprecated-field": {
    id: "deprecated-field",
    defaultSeverity: "warning",
    description: "A field the gateway marks as deprecated is set.",
    help: "Deprecated fields may stop working in a later gateway version; move to the replacement named in Tyk's documentation.",
  },
  "openapi-schema": {
    id: "openapi-schema",
    defaultSeverity: "error",
    description: "The OpenAPI part of a Tyk OAS API does not conform to the OpenAPI 3.0 or 3.1 schema.",
    help: "The gateway validates Tyk OAS definitions against the official OpenAPI schema and refuses invalid ones. Fix the OpenAPI document at the position shown.",
  },
  "bundle-missing": {
    id: "bundle-missing",
    defaultSeverity: "error",
    description: "With --bundles: a `custom_middleware_bundle` is not in the bundles directory.",
    help: "The gateway downloads the bundle from `bundle_base_url` + the bundle name; a missing file fails the API. Build it, or fix the name.",
  },
  "bundle-refused": {
    id: "bundle-refused",
    defaultSeverity: "error",
    description: "With --bundles: a bundle an API uses would be refused by the gateway (`bundle verify` fails).",
    help: "Run `tyk-ts bundle verify` on the bundle for details; rebuild it with `tyk-ts bundle build`.",
  },
  "bundle-warning": {
    id: "bundle-warning",
    defaultSeverity: "warning",
    description: "With --bundles: a bundle an API uses is accepted but `bundle verify` warns about it.",
    help: "Run `tyk-ts bundle verify` on the bundle for details.",
  },
} as const satisfies Record<string, RuleMeta>;

export type CoreRuleId = keyof typeof CORE_RULES;

/** Every rule's description, core and checks, in a stable order (docs, SARIF, config validation). */
export function ruleCatalog(extra: readonly RuleMeta[] = []): RuleMeta[] {
  return [...Object.values(CORE_RULES), ...rules, IGNORE_WITHOUT_REASON, ...extra];
}
