/**
 * The registry: every rule lint knows, by id. One file per id, named by it, in the folder of what
 * the rule looks at (document/, schema/, env/, api/, policy/, gateway/, bundle/, operator/, config/, security/);
 * helpers the rules share are in support/. To add a rule: write `rules/<folder>/<id>.ts` exporting
 * one `Rule` (see ../types.ts), and list it below; test/lint-rule-files.test.ts checks both.
 *
 * `CORE_RULES` are found by reading and validating (their files hold what they mean; the finding
 * comes from the stage named there); `rules` are the checks beyond the schema; the config's
 * `ignore-without-reason` comes last. All take severities from the config the same way and appear
 * in `--list-rules`, docs and SARIF in this order.
 */
import type { Rule, RuleMeta } from "../types.js";
import { syntax } from "./document/syntax.js";
import { unknownKind } from "./document/unknown-kind.js";
import { trailingData } from "./document/trailing-data.js";
import { duplicateKey } from "./document/duplicate-key.js";
import { unknownField } from "./schema/unknown-field.js";
import { fieldCase } from "./schema/field-case.js";
import { invalidType } from "./schema/invalid-type.js";
import { invalidValue } from "./schema/invalid-value.js";
import { missingField } from "./schema/missing-field.js";
import { deprecatedField } from "./schema/deprecated-field.js";
import { openapiSchema } from "./schema/openapi-schema.js";
import { bundleMissing } from "./bundle/bundle-missing.js";
import { bundleRefused } from "./bundle/bundle-refused.js";
import { bundleWarning } from "./bundle/bundle-warning.js";
import { listenPathSlash } from "./api/listen-path-slash.js";
import { targetUrl } from "./api/target-url.js";
import { apiNotLoaded } from "./api/api-not-loaded.js";
import { duplicateApiId } from "./api/duplicate-api-id.js";
import { duplicateListenPath } from "./api/duplicate-listen-path.js";
import { bundleNameCollision } from "./api/bundle-name-collision.js";
import { operatorAdmission } from "./operator/operator-admission.js";
import { policiesFileShape } from "./policy/policies-file-shape.js";
import { policyUnknownApi } from "./policy/policy-unknown-api.js";
import { exampleSecret } from "./gateway/example-secret.js";
import { bundleDownloaderDisabled } from "./gateway/bundle-downloader-disabled.js";
import { coprocessDisabled } from "./gateway/coprocess-disabled.js";
import { publicKeyMissing } from "./gateway/public-key-missing.js";
import { publicKeyWeak } from "./gateway/public-key-weak.js";
import { keylessApi } from "./security/keyless-api.js";
import { keylessWithAuth } from "./security/keyless-with-auth.js";
import { plaintextUpstream } from "./security/plaintext-upstream.js";
import { tlsVerifyOff } from "./security/tls-verify-off.js";
import { weakTlsVersion } from "./security/weak-tls-version.js";
import { noRateLimit } from "./security/no-rate-limit.js";
import { corsAnyOriginWithCredentials } from "./security/cors-any-origin-credentials.js";
import { detailedRecording } from "./security/detailed-recording.js";
import { jwtSharedSecret } from "./security/jwt-shared-secret.js";
import { jwtWeakValidation } from "./security/jwt-weak-validation.js";
import { stripAuthDataOff } from "./security/strip-auth-data-off.js";
import { unverifiedBundles } from "./security/unverified-bundles.js";
import { emptyIpAllowList } from "./security/empty-ip-allow-list.js";
import { blockListAsAccessControl } from "./security/block-list-as-access-control.js";
import { policyAllApis } from "./security/policy-all-apis.js";
import { policyNoExpiry } from "./security/policy-no-expiry.js";
import { policyNoLimits } from "./security/policy-no-limits.js";
import { weakSecret } from "./security/weak-secret.js";
import { hashKeysOff } from "./security/hash-keys-off.js";
import { hashedKeysListing } from "./security/hashed-keys-listing.js";
import { insecureConfigsAllowed } from "./security/insecure-configs-allowed.js";
import { plaintextBundleDownloader } from "./security/plaintext-bundle-downloader.js";
import { controlApiExposed } from "./security/control-api-exposed.js";
import { ignoreWithoutReason } from "./config/ignore-without-reason.js";
import { envMisspeltVariable } from "./env/env-misspelt-variable.js";
import { envUnknownVariable } from "./env/env-unknown-variable.js";
import { envInvalidValue } from "./env/env-invalid-value.js";
import { envNotSettable } from "./env/env-not-settable.js";
import { secretReferenceUnset } from "./env/secret-reference-unset.js";
import type { SecurityRule } from "./support/security.js";

export const CORE_RULES = [
  syntax,
  unknownKind,
  trailingData,
  duplicateKey,
  unknownField,
  fieldCase,
  invalidType,
  invalidValue,
  missingField,
  deprecatedField,
  openapiSchema,
  bundleMissing,
  bundleRefused,
  bundleWarning,
] as const satisfies readonly RuleMeta[];

/** The gateway's environment (.env files, compose, Kubernetes, Helm values): found by src/lint/validate/env.ts. */
export const ENV_RULES = [envMisspeltVariable, envUnknownVariable, envInvalidValue, envNotSettable, secretReferenceUnset] as const satisfies readonly RuleMeta[];

/** The `security/…` rules, in the order of docs/security-rules.md: API definitions, policies, tyk.conf. */
export const securityRules: readonly SecurityRule[] = [
  keylessApi,
  keylessWithAuth,
  plaintextUpstream,
  tlsVerifyOff,
  weakTlsVersion,
  noRateLimit,
  corsAnyOriginWithCredentials,
  detailedRecording,
  jwtSharedSecret,
  jwtWeakValidation,
  stripAuthDataOff,
  unverifiedBundles,
  emptyIpAllowList,
  blockListAsAccessControl,
  policyAllApis,
  policyNoExpiry,
  policyNoLimits,
  weakSecret,
  hashKeysOff,
  hashedKeysListing,
  insecureConfigsAllowed,
  plaintextBundleDownloader,
  controlApiExposed,
];

/** The checks beyond the schema. */
export const rules: readonly Rule[] = [
  listenPathSlash,
  targetUrl,
  duplicateApiId,
  duplicateListenPath,
  apiNotLoaded,
  policyUnknownApi,
  policiesFileShape,
  exampleSecret,
  bundleDownloaderDisabled,
  coprocessDisabled,
  publicKeyMissing,
  publicKeyWeak,
  bundleNameCollision,
  operatorAdmission,
  ...securityRules,
];

/** Every built-in rule, in a stable order (docs, SARIF, `--list-rules`, config validation). */
export const builtInRules: readonly RuleMeta[] = [...CORE_RULES, ...ENV_RULES, ...rules, ignoreWithoutReason];

/** A built-in rule by its id. */
export const ruleById: ReadonlyMap<string, RuleMeta> = new Map(builtInRules.map((rule) => [rule.id, rule]));

/** Every rule's description, built-in and `extra` (organisation rules), in a stable order. */
export function ruleCatalog(extra: readonly RuleMeta[] = []): RuleMeta[] {
  return [...builtInRules, ...extra];
}
