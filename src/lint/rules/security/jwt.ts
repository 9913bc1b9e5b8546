import { childPointer, fieldName, isObject, valueAt } from "../../pointer.js";
import type { LintDocument, RuleFinding } from "../../types.js";
import { apiAuth, API_KINDS, isTrue, OAS_EXTENSION, OWASP, type SecurityRule } from "./common.js";

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
const MAX_SKEW_SECONDS = 300;

/** Every enabled JWT check of the API: the main one and those of external OAuth providers. */
function jwtConfigs(doc: LintDocument): JwtConfig[] {
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

export const jwtSharedSecret: SecurityRule = {
  id: "security/jwt-shared-secret",
  defaultSeverity: "warning",
  kinds: API_KINDS,
  owasp: OWASP.brokenAuthentication,
  description: "JWTs are validated with a shared secret (HMAC, HS256/384/512) instead of a public key.",
  help: "With HMAC the key that verifies tokens also signs them: whoever holds it (every service that validates tokens, the API definition when `jwt_source` holds the secret, anyone who reads either) can mint valid tokens for any identity, and a short secret can be brute-forced offline from a single token.",
  fix: "Have the identity provider sign with RSA or ECDSA (`jwt_signing_method: \"rsa\"`, Tyk OAS `signingMethod: \"rsa\"`) and give the gateway its public key or JWKS URL as the source.",
  check(doc) {
    return jwtConfigs(doc)
      .filter((c) => /^(hmac|hs(256|384|512))$/i.test(c.signingMethod))
      .map((c) => {
        const pointer = childPointer(c.at, c.fields.signingMethod);
        const source = valueAt(doc.value, childPointer(c.at, c.fields.source));
        const stored = typeof source === "string" && source !== "" ? `; the secret itself is stored in \`${fieldName(childPointer(c.at, c.fields.source))}\`` : "";
        return { pointer, message: `\`${fieldName(pointer)}\` is ${JSON.stringify(c.signingMethod)}: tokens are checked with a shared secret that can also sign them${stored}` };
      });
  },
};

export const jwtWeakValidation: SecurityRule = {
  id: "security/jwt-weak-validation",
  defaultSeverity: "warning",
  kinds: API_KINDS,
  owasp: OWASP.brokenAuthentication,
  description: `JWT checks are weakened: the token's \`kid\` is ignored (\`jwt_skip_kid\`, Tyk OAS \`skipKid\`) or a clock-skew allowance exceeds ${MAX_SKEW_SECONDS} seconds.`,
  help: `With the key id skipped the gateway does not use the token's \`kid\` header to pick the key that verifies it: it falls back to the identity claim or to the keys configured for the API, so tokens are no longer bound to the key they name, which weakens key rotation and revocation. A validation skew (\`jwt_expires_at_validation_skew\` and the \`iat\`/\`nbf\` ones; Tyk OAS \`expiresAtValidationSkew\`, …) above ${MAX_SKEW_SECONDS} seconds keeps expired tokens working, and accepts tokens dated in the future, for that long.`,
  fix: `Set \`jwt_skip_kid\` (Tyk OAS \`skipKid\`) to false and have the identity provider put the key id in each token's \`kid\` header; keep validation skews at a few seconds (at most ${MAX_SKEW_SECONDS}) and synchronise clocks instead.`,
  check(doc) {
    return jwtConfigs(doc).flatMap((c) => {
      const findings: RuleFinding[] = [];
      const skipKid = c.fields.skipKid && childPointer(c.at, c.fields.skipKid);
      if (skipKid && valueAt(doc.value, skipKid) === true) {
        findings.push({ pointer: skipKid, message: `\`${fieldName(skipKid)}\` is true: the token's key id is ignored when its signature is checked` });
      }
      for (const field of c.fields.skews) {
        const pointer = childPointer(c.at, field);
        const skew = valueAt(doc.value, pointer);
        if (typeof skew === "number" && skew > MAX_SKEW_SECONDS) {
          findings.push({ pointer, message: `\`${fieldName(pointer)}\` is ${skew} seconds: tokens are accepted that far outside their validity (keep it at most ${MAX_SKEW_SECONDS})` });
        }
      }
      return findings;
    });
  },
};
