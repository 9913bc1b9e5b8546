import { valueAt } from "../../read/pointer.js";
import { API_KINDS, isTrue, OAS_EXTENSION, OWASP, type SecurityRule } from "../support/security.js";

/** Where each kind keeps its CORS settings, and the names of the fields in it. */
const CORS = {
  "classic-api": { at: "/CORS", enabled: "enable", origins: "allowed_origins", credentials: "allow_credentials" },
  "tyk-oas": { at: `${OAS_EXTENSION}/middleware/global/cors`, enabled: "enabled", origins: "allowedOrigins", credentials: "allowCredentials" },
} as const;

export const corsAnyOriginWithCredentials: SecurityRule = {
  id: "security/cors-any-origin-credentials",
  defaultSeverity: "warning",
  kinds: API_KINDS,
  owasp: OWASP.securityMisconfiguration,
  description: "CORS allows every origin and credentials together.",
  help: "With credentials allowed, a browser sends the user's cookies and HTTP auth to the API from any web site that asks, and lets that site read the response. Every origin means `*`, a scheme wildcard such as `https://*`, or an empty list (the CORS library the gateway uses treats an empty list as `*`).",
  fix: "List the exact origins that may call the API (`https://app.example.com`), or set `allow_credentials` (Tyk OAS `allowCredentials`) to false.",
  check(doc) {
    if (doc.kind !== "classic-api" && doc.kind !== "tyk-oas") return [];
    const f = CORS[doc.kind];
    if (!isTrue(doc.value, `${f.at}/${f.enabled}`) || !isTrue(doc.value, `${f.at}/${f.credentials}`)) return [];
    const origins = valueAt(doc.value, `${f.at}/${f.origins}`);
    const list = Array.isArray(origins) ? origins.filter((o): o is string => typeof o === "string") : [];
    const wildcard = list.findIndex((o) => /^([a-z][a-z0-9+.-]*:\/\/)?\*$/i.test(o.trim()));
    if (list.length > 0 && wildcard < 0) return [];
    const pointer = wildcard >= 0 ? `${f.at}/${f.origins}/${wildcard}` : origins === undefined ? `${f.at}/${f.credentials}` : `${f.at}/${f.origins}`;
    const origin = wildcard >= 0 ? JSON.stringify(list[wildcard]) : "an empty list (every origin)";
    return [{ pointer, message: `CORS allows ${origin} together with credentials: any web site can make authenticated requests on a user's behalf and read the answers` }];
  },
};
