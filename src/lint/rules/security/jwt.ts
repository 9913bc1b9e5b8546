import { childPointer, fieldName, isObject, valueAt } from "../../pointer.js";
import type { LintDocument } from "../../types.js";
import { apiAuth, API_KINDS, isTrue, OAS_EXTENSION, OWASP, type SecurityRule } from "./common.js";

/** A JWT configuration in effect on the API, with pointers relative to the document. */
interface JwtConfig {
  /** Where the configuration lives: `""` for Classic's top-level fields. */
  at: string;
  signingMethod: string;
  /** The field names of this configuration's shape. */
  fields: { signingMethod: string; source: string; skipKid?: string };
}

const CLASSIC_FIELDS = { signingMethod: "jwt_signing_method", source: "jwt_source", skipKid: "jwt_skip_kid" };
const CLASSIC_PROVIDER_FIELDS = { signingMethod: "signing_method", source: "source" };
const OAS_FIELDS = { signingMethod: "signingMethod", source: "source", skipKid: "skipKid" };

/** Every enabled JWT check of the API: the main one and those of external OAuth providers. */
function jwtConfigs(doc: LintDocument): JwtConfig[] {
  const auth = apiAuth(doc);
  if (!auth || auth.keyless) return [];
  const configs: JwtConfig[] = [];
  const add = (at: string, fields: JwtConfig["fields"]) => {
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
    if (valueAt(doc.value, `${scheme}/signingMethod`) !== undefined || valueAt(doc.value, `${scheme}/skipKid`) !== undefined) add(scheme, OAS_FIELDS);
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

export const jwtSkipKid: SecurityRule = {
  id: "security/jwt-skip-kid",
  defaultSeverity: "warning",
  kinds: API_KINDS,
  owasp: OWASP.brokenAuthentication,
  description: "JWT validation ignores the token's `kid` (`jwt_skip_kid`, Tyk OAS `skipKid`).",
  help: "With the key id skipped the gateway does not use the token's `kid` header to pick the key that verifies it: it falls back to the identity claim or to the keys configured for the API. Tokens are then no longer bound to the key they name, which weakens key rotation and revocation.",
  fix: "Set `jwt_skip_kid` (Tyk OAS `skipKid`) to false and have the identity provider put the key id in each token's `kid` header.",
  check(doc) {
    return jwtConfigs(doc).flatMap((c) => {
      if (!c.fields.skipKid) return [];
      const pointer = childPointer(c.at, c.fields.skipKid);
      if (valueAt(doc.value, pointer) !== true) return [];
      return [{ pointer, message: `\`${fieldName(pointer)}\` is true: the token's key id is ignored when its signature is checked` }];
    });
  },
};
