/** The JWT checks in effect on an API: the main one and those of external OAuth providers. */
import { childPointer, isObject, valueAt } from "../../read/pointer.js";
import type { LintDocument } from "../../types.js";
import { apiAuth, isTrue, OAS_EXTENSION } from "./security.js";

/** A JWT configuration in effect on the API, with pointers relative to the document. */
interface JwtConfig {
  /** Where the configuration lives: `""` for Classic's top-level fields. */
  at: string;
  signingMethod: string;
  /** The field names of this configuration's shape. */
  fields: JwtFields;
}

interface JwtFields {
  signingMethod: string;
  source: string;
  skipKid?: string;
  /** Clock-skew allowances in seconds, for `exp`, `iat` and `nbf`. */
  skews: readonly string[];
}

const CLASSIC_FIELDS: JwtFields = {
  signingMethod: "jwt_signing_method",
  source: "jwt_source",
  skipKid: "jwt_skip_kid",
  skews: ["jwt_expires_at_validation_skew", "jwt_issued_at_validation_skew", "jwt_not_before_validation_skew"],
};
const CLASSIC_PROVIDER_FIELDS: JwtFields = {
  signingMethod: "signing_method",
  source: "source",
  skews: ["expires_at_validation_skew", "issued_at_validation_skew", "not_before_validation_skew"],
};
const OAS_FIELDS: JwtFields = {
  signingMethod: "signingMethod",
  source: "source",
  skipKid: "skipKid",
  skews: ["expiresAtValidationSkew", "issuedAtValidationSkew", "notBeforeValidationSkew"],
};

/** Fields only a JWT scheme has: they tell it apart from the other shapes under `securitySchemes`. */
const OAS_JWT_ONLY = ["signingMethod", "source", "jwksURIs", "skipKid", ...OAS_FIELDS.skews];

/** Clock skew beyond which a token's time claims no longer mean much: five minutes, as Kerberos allows. */
export const MAX_SKEW_SECONDS = 300;

/** Every enabled JWT check of the API: the main one and those of external OAuth providers. */
export function jwtConfigs(doc: LintDocument): JwtConfig[] {
  const auth = apiAuth(doc);
  if (!auth || auth.keyless) return [];
  const configs: JwtConfig[] = [];
  const add = (at: string, fields: JwtFields) => {
    const method = valueAt(doc.value, childPointer(at, fields.signingMethod));
    configs.push({ at, signingMethod: typeof method === "string" ? method : "", fields });
  };
  if (doc.kind === "classic-api") {
    if (isTrue(doc.value, "/enable_jwt")) add("", CLASSIC_FIELDS);
    if (isTrue(doc.value, "/external_oauth/enabled")) {
      forEachIndex(doc.value, "/external_oauth/providers", (p) => isTrue(doc.value, `${p}/jwt/enabled`) && add(`${p}/jwt`, CLASSIC_PROVIDER_FIELDS));
    }
    return configs;
  }
  const schemes = `${OAS_EXTENSION}/server/authentication/securitySchemes`;
  const value = valueAt(doc.value, schemes);
  if (!isObject(value)) return configs;
  for (const name of Object.keys(value)) {
    const scheme = childPointer(schemes, name);
    if (!isTrue(doc.value, `${scheme}/enabled`)) continue;
    if (OAS_JWT_ONLY.some((field) => valueAt(doc.value, childPointer(scheme, field)) !== undefined)) add(scheme, OAS_FIELDS);
    forEachIndex(doc.value, `${scheme}/providers`, (p) => isTrue(doc.value, `${p}/jwt/enabled`) && add(`${p}/jwt`, OAS_FIELDS));
  }
  return configs;
}

function forEachIndex(root: unknown, pointer: string, fn: (itemPointer: string) => unknown): void {
  const list = valueAt(root, pointer);
  if (Array.isArray(list)) list.forEach((_, i) => fn(`${pointer}/${i}`));
}
