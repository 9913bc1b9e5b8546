import { apiAuth, API_KINDS, firstExisting, OAS_EXTENSION, OWASP, type SecurityRule } from "../support/security.js";
import { isObject, valueAt } from "../../read/pointer.js";

export const stripAuthDataOff: SecurityRule = {
  id: "security/strip-auth-data-off",
  defaultSeverity: "warning",
  kinds: API_KINDS,
  owasp: OWASP.securityMisconfiguration,
  description: "A protected API forwards the client's credential to the upstream (`strip_auth_data` off).",
  help: "Unless the gateway strips it, the API key, token or password the client sent travels on to the upstream, where it ends up in logs and traces and can be replayed by anyone with access to them. Most upstreams trust the gateway and never need it. APIs authenticated only by client certificates are not reported, nor Classic APIs whose every version removes the credential's headers (`global_headers_remove`) and that read it from no query parameter or cookie.",
  fix: "Set `strip_auth_data: true` (Tyk OAS `server.authentication.stripAuthorizationData: true`). If the upstream really needs the credential, ignore this finding in the config with that reason.",
  check(doc) {
    const auth = apiAuth(doc);
    if (!auth || auth.keyless || auth.mutualTlsOnly) return [];
    if (doc.kind === "classic-api") {
      if (valueAt(doc.value, "/strip_auth_data") === true || headersRemovedEverywhere(doc.value)) return [];
      return [{ pointer: firstExisting(doc.value, "/strip_auth_data", ""), message: "`strip_auth_data` is not true: the client's credential is forwarded to the upstream" }];
    }
    const authentication = `${OAS_EXTENSION}/server/authentication`;
    const field = `${authentication}/stripAuthorizationData`;
    if (valueAt(doc.value, field) === true) return [];
    return [{ pointer: firstExisting(doc.value, field, authentication), message: "`stripAuthorizationData` is not true: the client's credential is forwarded to the upstream" }];
  },
};

/**
 * Whether every version removes the headers that carry the credential and none reads it from a
 * query parameter or a cookie: gateway/mw_modify_headers.go `TransformHeaders.ProcessRequest`
 * deletes each `global_headers_remove` header before the request goes upstream, unless the
 * version sets `global_headers_disabled`.
 */
function headersRemovedEverywhere(api: unknown): boolean {
  const configs = valueAt(api, "/auth_configs");
  const sources = isObject(configs) ? Object.values(configs).filter(isObject) : [];
  if (sources.some((c) => c.use_param === true || c.use_cookie === true)) return false;
  const headers = new Set(["authorization", ...sources.map((c) => (typeof c.auth_header_name === "string" && c.auth_header_name !== "" ? c.auth_header_name.toLowerCase() : "authorization"))]);
  const versions = valueAt(api, "/version_data/versions");
  const list = isObject(versions) ? Object.values(versions) : [];
  return (
    list.length > 0 &&
    list.every((version) => {
      if (valueAt(version, "/global_headers_disabled") === true) return false;
      const removed = valueAt(version, "/global_headers_remove");
      const names = new Set(Array.isArray(removed) ? removed.filter((h): h is string => typeof h === "string").map((h) => h.toLowerCase()) : []);
      return [...headers].every((h) => names.has(h));
    })
  );
}
