/**
 * Fields that are not the gateway's but belong to the shape a document came in: Tyk Operator
 * resources and Dashboard exports carry their own keys next to the gateway's. They are not reported
 * as unknown there. Patterns are JSON pointers relative to the document, `*` matching one segment.
 */
import { pointerSegments } from "../read/pointer.js";
import type { DocumentWrapper, LintDocument } from "../types.js";

type Extras = Partial<Record<DocumentWrapper, Partial<Record<LintDocument["kind"], string[]>>>>;

const EXTRAS: Extras = {
  // tyk-operator api/v1alpha1 and api/model: references the operator resolves into Tyk fields.
  operator: {
    "classic-api": [
      "/contextRef",
      "/certificate_secret_names",
      "/pinnedPublicKeysSecretNames",
      "/upstream_certificate_refs",
      "/proxy/target_internal",
      "/version_data/versions/*/extended_paths/url_rewrites/*/rewrite_to_internal",
      "/version_data/versions/*/extended_paths/url_rewrites/*/triggers/*/rewrite_to_internal",
      "/graphql/supergraph/subgraphs_refs",
      "/graphql/graph_ref",
      "/client_certificate_refs",
      "/pinned_public_keys_refs",
    ],
    policy: ["/contextRef", "/access_rights_array", "/state"],
  },
  // What the Dashboard stores with a policy (its export and API bodies).
  dashboard: {
    policy: ["/access_rights_array", "/auth_type", "/auth_types", "/date_created", "/graphql_enabled", "/state", "/access_rights/*/limit/set_by_policy"],
  },
};

/**
 * Fields a wrapper writes with another JSON type than the gateway reads, converting them itself:
 * the Operator's `Percent` is a quoted decimal (its CRD refuses a number) that it sends as a number.
 */
const OTHER_TYPES: Extras = {
  operator: {
    "classic-api": ["/version_data/versions/*/extended_paths/circuit_breakers/*/threshold_percent"],
  },
};

export function isWrapperExtra(wrapper: DocumentWrapper, kind: LintDocument["kind"], pointer: string): boolean {
  return matchesAny(EXTRAS[wrapper]?.[kind], pointer);
}

/** Whether the wrapper writes the field at `pointer` as a string that the gateway's schema types otherwise. */
export function isWrapperString(wrapper: DocumentWrapper, kind: LintDocument["kind"], pointer: string, value: unknown): boolean {
  return typeof value === "string" && matchesAny(OTHER_TYPES[wrapper]?.[kind], pointer);
}

function matchesAny(patterns: readonly string[] | undefined, pointer: string): boolean {
  if (!patterns) return false;
  const segments = pointerSegments(pointer);
  return patterns.some((pattern) => {
    const parts = pointerSegments(pattern);
    return parts.length === segments.length && parts.every((p, i) => p === "*" || p === segments[i]);
  });
}
