import { fieldName } from "../../read/pointer.js";
import { apiAuth, API_KINDS, OWASP, type SecurityRule } from "../support/security.js";

/**
 * gateway/api_loader.go, `processSpec`: every authentication middleware (token, OAuth, external
 * OAuth, basic, HMAC, JWT, OpenID, custom plugins) and the checks that depend on a session are
 * appended only inside `if !spec.UseKeylessAccess`. Tyk OAS sets `UseKeylessAccess = !enabled`
 * (apidef/oas/authentication.go, `Authentication.ExtractTo`), so schemes enabled
 * under a disabled `server.authentication` are never run either. Client certificates
 * (`use_mutual_tls_auth`, CertificateCheckMW) are checked before that branch and still apply.
 */
export const keylessWithAuth: SecurityRule = {
  id: "security/keyless-with-auth",
  defaultSeverity: "warning",
  kinds: API_KINDS,
  owasp: OWASP.brokenAuthentication,
  description: "An API is keyless and also switches on an authentication method, which the gateway then never runs.",
  help: "When an API is keyless (Classic `use_keyless: true`; Tyk OAS `server.authentication.enabled` false or absent) the gateway builds its middleware chain without any authentication (gateway/api_loader.go, `processSpec`: the auth middlewares are added only when `UseKeylessAccess` is false). An authentication method switched on next to it (`use_standard_auth`, `enable_jwt`, `use_oauth2`, `use_basic_auth`, `use_openid`, `enable_signature_checking`, custom plugin auth, `external_oauth`; in Tyk OAS an enabled security scheme, `hmac`, `oidc` or `custom`) looks like protection in review, yet every request reaches the upstream without a credential. Tyk Operator refuses `use_keyless` with `use_standard_auth` for this reason (see operator-admission).",
  fix: "Decide which one you mean: to protect the API, set `use_keyless: false` (Tyk OAS: `server.authentication.enabled: true`); if it is public on purpose, switch the authentication method off so the definition says what the gateway does.",
  check(doc) {
    const auth = apiAuth(doc);
    if (!auth?.keyless || auth.authModes.length === 0) return [];
    // The Operator's admission webhook already refuses keyless with standard auth (operator-admission).
    const modes = doc.wrapper === "operator" ? auth.authModes.filter((p) => p !== "/use_standard_auth") : auth.authModes;
    if (modes.length === 0) return [];
    const names = modes.map((p) => `\`${fieldName(p).replace(/^x-tyk-api-gateway\./, "")}\``).join(", ");
    const keyless = doc.kind === "classic-api" ? "`use_keyless` is true" : "`server.authentication` is not enabled";
    return [{ pointer: auth.keylessPointer, message: `${keyless}, so the gateway runs no authentication at all and ignores ${names}; set ${doc.kind === "classic-api" ? "`use_keyless: false`" : "`server.authentication.enabled: true`"} to require credentials, or switch the method off` }];
  },
};
