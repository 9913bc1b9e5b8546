import { apiAuth, API_KINDS, isDeclaredPublic, OWASP, type SecurityRule } from "../support/security.js";

export const keylessApi: SecurityRule = {
  id: "security/keyless-api",
  defaultSeverity: "warning",
  kinds: API_KINDS,
  owasp: OWASP.brokenAuthentication,
  description: "An API accepts requests without any credential and is not listed as public in the lint config.",
  help: "A keyless API (`use_keyless: true`; in Tyk OAS `server.authentication` absent or not enabled) lets anyone who can reach the gateway call the upstream, with no identity to rate-limit, audit or revoke. Often it is a leftover from a quick test. Internal APIs (reachable only through `tyk://`) are not reported.",
  fix: 'Turn authentication on (Classic: `use_keyless: false` and an auth method; Tyk OAS: `server.authentication.enabled: true` with a security scheme). If the API is public on purpose, list its `api_id` (OAS `info.id`) or name in the config: `"rules": {"security/keyless-api": ["warning", {"publicApis": ["status-api"]}]}`.',
  check(doc, ctx) {
    const auth = apiAuth(doc);
    // With an authentication method switched on as well, security/keyless-with-auth says what happens.
    if (!auth?.keyless || auth.internal || auth.authModes.length > 0) return [];
    if (isDeclaredPublic(doc, ctx)) return [];
    const how = doc.kind === "classic-api" ? "`use_keyless` is true" : "authentication is not enabled";
    return [{ pointer: auth.keylessPointer, message: `the API accepts requests without credentials (${how}); enable authentication, or list the API in the config's publicApis if it is public on purpose` }];
  },
};
