import { childPointer, fieldName, valueAt } from "../../read/pointer.js";
import { API_KINDS, OWASP, type SecurityRule } from "../support/security.js";
import { jwtConfigs } from "../support/jwt.js";

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
