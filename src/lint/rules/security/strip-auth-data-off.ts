import { apiAuth, API_KINDS, firstExisting, OAS_EXTENSION, OWASP, type SecurityRule } from "../support/security.js";
import { valueAt } from "../../read/pointer.js";

export const stripAuthDataOff: SecurityRule = {
  id: "security/strip-auth-data-off",
  defaultSeverity: "warning",
  kinds: API_KINDS,
  owasp: OWASP.securityMisconfiguration,
  description: "A protected API forwards the client's credential to the upstream (`strip_auth_data` off).",
  help: "Unless the gateway strips it, the API key, token or password the client sent travels on to the upstream, where it ends up in logs and traces and can be replayed by anyone with access to them. Most upstreams trust the gateway and never need it. APIs authenticated only by client certificates are not reported.",
  fix: "Set `strip_auth_data: true` (Tyk OAS `server.authentication.stripAuthorizationData: true`). If the upstream really needs the credential, ignore this finding in the config with that reason.",
  check(doc) {
    const auth = apiAuth(doc);
    if (!auth || auth.keyless || auth.mutualTlsOnly) return [];
    if (doc.kind === "classic-api") {
      if (valueAt(doc.value, "/strip_auth_data") === true) return [];
      return [{ pointer: firstExisting(doc.value, "/strip_auth_data", ""), message: "`strip_auth_data` is not true: the client's credential is forwarded to the upstream" }];
    }
    const authentication = `${OAS_EXTENSION}/server/authentication`;
    const field = `${authentication}/stripAuthorizationData`;
    if (valueAt(doc.value, field) === true) return [];
    return [{ pointer: firstExisting(doc.value, field, authentication), message: "`stripAuthorizationData` is not true: the client's credential is forwarded to the upstream" }];
  },
};
