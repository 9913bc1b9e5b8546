import { childPointer, isObject, valueAt } from "../../read/pointer.js";
import type { Rule, RuleFinding } from "../../types.js";
import { firstExisting } from "../support/security.js";

const DATA_SOURCE_KINDS = ["HTTPJsonDataSource", "GraphQLDataSource"];

/**
 * What Tyk Operator's validating webhook refuses, so `kubectl apply` fails before any gateway sees
 * the resource: tyk-operator api/v1alpha1/apidefinition_webhook.go, `(*ApiDefinition).validate`
 * (called by ValidateCreate and ValidateUpdate). Its mutating `Default` runs first and adds the
 * `authToken` auth config the validator would otherwise ask for, so that check never fires and is
 * not repeated here; an empty `proxy.target_url` is reported by target-url. The SecurityPolicy
 * webhook validates nothing (securitypolicy_webhook.go).
 */
export const operatorAdmission: Rule = {
  id: "operator-admission",
  defaultSeverity: "error",
  kinds: ["classic-api"],
  description: "A Tyk Operator ApiDefinition that the Operator's admission webhook refuses.",
  help: "Tyk Operator validates every ApiDefinition before Kubernetes stores it (api/v1alpha1/apidefinition_webhook.go, `validate`): `use_keyless` together with `use_standard_auth` is forbidden; an `executionEngine` GraphQL API needs every `type_field_configurations[].data_source` to be of kind HTTPJsonDataSource or GraphQLDataSource with a `url` and a `method` in its `data_source_config`; a URL rewrite with an empty `rewrite_to` needs `rewrite_to_internal` or triggers, and each trigger needs `rewrite_to` or `rewrite_to_internal`. `kubectl apply` fails with the webhook's message.",
  check(doc) {
    if (doc.wrapper !== "operator") return [];
    const spec = doc.value;
    if (!isObject(spec)) return [];
    const findings: RuleFinding[] = [];
    if (spec.use_keyless === true && spec.use_standard_auth === true) {
      findings.push({ pointer: "/use_standard_auth", message: "the Operator's webhook refuses this resource: `use_keyless` and `use_standard_auth` cannot be set together (apidefinition_webhook.go, validate); keep one" });
    }
    findings.push(...graphqlDataSources(spec), ...urlRewrites(spec));
    return findings;
  },
};

function graphqlDataSources(spec: Record<string, unknown>): RuleFinding[] {
  const graphql = spec.graphql;
  if (!isObject(graphql) || graphql.enabled !== true || graphql.execution_mode !== "executionEngine" || !Array.isArray(graphql.type_field_configurations)) return [];
  const findings: RuleFinding[] = [];
  graphql.type_field_configurations.forEach((_, i) => {
    const at = `/graphql/type_field_configurations/${i}/data_source`;
    const kind = valueAt(spec, `${at}/kind`);
    if (typeof kind !== "string" || !DATA_SOURCE_KINDS.includes(kind)) {
      findings.push({ pointer: typeof kind === "string" ? `${at}/kind` : at, message: `the Operator's webhook refuses this resource: data source kind ${JSON.stringify(kind ?? "")} is not ${DATA_SOURCE_KINDS.join(" or ")}` });
      return;
    }
    // The Operator's SourceConfig keeps them under `data_source_config` (api/model, as apidef.SourceConfig does).
    for (const field of ["url", "method"]) {
      const value = valueAt(spec, `${at}/data_source_config/${field}`);
      if (value === undefined || value === "") findings.push({ pointer: value === undefined ? firstExisting(spec, `${at}/data_source_config`, at) : `${at}/data_source_config/${field}`, message: `the Operator's webhook refuses this resource: \`data_source.data_source_config.${field}\` can't be empty` });
    }
  });
  return findings;
}

function urlRewrites(spec: Record<string, unknown>): RuleFinding[] {
  const versions = valueAt(spec, "/version_data/versions");
  if (!isObject(versions)) return [];
  const findings: RuleFinding[] = [];
  for (const name of Object.keys(versions)) {
    const rewrites = valueAt(versions[name], "/extended_paths/url_rewrites");
    if (!Array.isArray(rewrites)) continue;
    rewrites.forEach((rewrite, i) => {
      if (!isObject(rewrite)) return;
      const at = childPointer(childPointer("/version_data/versions", name), "extended_paths") + `/url_rewrites/${i}`;
      const triggers = Array.isArray(rewrite.triggers) ? rewrite.triggers : [];
      if (rewrite.rewrite_to === "" && rewrite.rewrite_to_internal === undefined && triggers.length === 0) {
        findings.push({ pointer: `${at}/rewrite_to`, message: "the Operator's webhook refuses this resource: `rewrite_to` can't be empty without `rewrite_to_internal` or triggers" });
      }
      triggers.forEach((trigger, j) => {
        if (!isObject(trigger) || (typeof trigger.rewrite_to === "string" && trigger.rewrite_to !== "") || trigger.rewrite_to_internal !== undefined) return;
        findings.push({ pointer: `${at}/triggers/${j}${"rewrite_to" in trigger ? "/rewrite_to" : ""}`, message: "the Operator's webhook refuses this resource: a trigger needs `rewrite_to` or `rewrite_to_internal`" });
      });
    });
  }
  return findings;
}
