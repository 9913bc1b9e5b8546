/**
 * What the security rules share: their shape, the OWASP categories they cite, and the facts about
 * an API's authentication read the same way from Tyk Classic and Tyk OAS definitions.
 */
import { childPointer, isObject, valueAt } from "../../read/pointer.js";
import type { LintContext, LintDocument, Rule } from "../../types.js";

/** A security rule always explains itself: why (`help`) and what to change (`fix`). */
export interface SecurityRule extends Rule {
  help: string;
  fix: string;
}

/** OWASP API Security Top 10 (2023) categories the rules guard. */
export const OWASP = {
  brokenAuthentication: "API2:2023 Broken Authentication",
  unrestrictedResourceConsumption: "API4:2023 Unrestricted Resource Consumption",
  brokenFunctionLevelAuthorization: "API5:2023 Broken Function Level Authorization",
  securityMisconfiguration: "API8:2023 Security Misconfiguration",
} as const;

export const API_KINDS = ["classic-api", "tyk-oas"] as const;

/** Pointer of the Tyk extension in a Tyk OAS document. */
export const OAS_EXTENSION = "/x-tyk-api-gateway";

export function isTrue(root: unknown, pointer: string): boolean {
  return valueAt(root, pointer) === true;
}

/** The deepest of `pointers` that exists in the document, else the last one: where a missing value is reported. */
export function firstExisting(root: unknown, ...pointers: string[]): string {
  return pointers.find((p) => valueAt(root, p) !== undefined) ?? pointers[pointers.length - 1] ?? "";
}

export interface ApiAuth {
  /** Requests reach the upstream without any credential. */
  keyless: boolean;
  /** The value that makes the API keyless, or where authentication would be configured. */
  keylessPointer: string;
  /** Internal APIs are reachable only from other APIs on the gateway (`tyk://`), never from clients. */
  internal: boolean;
  /** Client certificates are the only credential: there is no header or parameter to strip. */
  mutualTlsOnly: boolean;
  /**
   * Authentication modes switched on in the definition, by the pointer of the switch. On a keyless
   * API the gateway never runs them (see security/keyless-with-auth).
   */
  authModes: string[];
}

export function apiAuth(doc: LintDocument): ApiAuth | undefined {
  if (doc.kind !== "classic-api" && doc.kind !== "tyk-oas") return undefined;
  // Several rules ask for every API: read it once per document (null: not an object).
  let auth = authCache.get(doc);
  if (auth === undefined) {
    auth = (doc.kind === "classic-api" ? classicAuth(doc.value) : oasAuth(doc.value)) ?? null;
    authCache.set(doc, auth);
  }
  return auth ?? undefined;
}

const authCache = new WeakMap<LintDocument, ApiAuth | null>();

/** Classic switches that each add an authentication middleware when the API is not keyless (gateway/api_loader.go, processSpec). */
export const CLASSIC_CREDENTIAL_AUTH = ["use_standard_auth", "use_basic_auth", "enable_jwt", "use_oauth2", "use_openid", "enable_signature_checking", "custom_plugin_auth_enabled", "enable_coprocess_auth", "use_go_plugin_auth"];

function classicAuth(api: unknown): ApiAuth | undefined {
  if (!isObject(api)) return undefined;
  return {
    keyless: api.use_keyless === true,
    keylessPointer: "/use_keyless",
    internal: api.internal === true,
    mutualTlsOnly: api.use_mutual_tls_auth === true && !CLASSIC_CREDENTIAL_AUTH.some((k) => api[k] === true) && !isTrue(api, "/external_oauth/enabled"),
    authModes: [...CLASSIC_CREDENTIAL_AUTH.filter((k) => api[k] === true).map((k) => `/${k}`), ...(isTrue(api, "/external_oauth/enabled") ? ["/external_oauth/enabled"] : [])],
  };
}

function oasAuth(doc: unknown): ApiAuth | undefined {
  const x = valueAt(doc, OAS_EXTENSION);
  if (!isObject(x)) return undefined;
  const server = `${OAS_EXTENSION}/server`;
  const authPointer = `${server}/authentication`;
  const auth = valueAt(doc, authPointer);
  const enabled = isObject(auth) && auth.enabled === true;
  return {
    keyless: !enabled,
    keylessPointer: isObject(auth) ? childPointer(authPointer, "enabled") : firstExisting(doc, server, OAS_EXTENSION),
    internal: isTrue(doc, `${OAS_EXTENSION}/info/state/internal`),
    mutualTlsOnly: enabled && oasMutualTlsOnly(auth),
    authModes: isObject(auth) ? oasAuthModes(auth, authPointer) : [],
  };
}

/** OAS authentication methods switched on: each enabled security scheme, HMAC, OIDC and custom plugin authentication. */
function oasAuthModes(auth: Record<string, unknown>, at: string): string[] {
  const modes: string[] = [];
  if (isObject(auth.securitySchemes)) {
    for (const [name, scheme] of Object.entries(auth.securitySchemes)) {
      if (isObject(scheme) && scheme.enabled === true) modes.push(childPointer(childPointer(childPointer(at, "securitySchemes"), name), "enabled"));
    }
  }
  for (const k of ["hmac", "oidc", "custom"]) if (isTrue(auth, `/${k}/enabled`)) modes.push(`${at}/${k}/enabled`);
  return modes;
}

function oasMutualTlsOnly(auth: Record<string, unknown>): boolean {
  const schemes = isObject(auth.securitySchemes) ? Object.values(auth.securitySchemes).filter((s) => isObject(s) && s.enabled === true) : [];
  const others = ["hmac", "oidc", "custom"].some((k) => isTrue(auth, `/${k}/enabled`));
  // A token scheme that only enables client certificates reads no header, cookie or parameter.
  return (
    !others &&
    schemes.length > 0 &&
    schemes.every((s) => isObject(s) && s.enableClientCertificate === true && !["header", "cookie", "query"].some((w) => isTrue(s, `/${w}/enabled`)))
  );
}

/** The names an API can be referred to by in the team's config: its id and its name. */
function apiNames(doc: LintDocument): string[] {
  const pointers = doc.kind === "tyk-oas" ? [`${OAS_EXTENSION}/info/id`, `${OAS_EXTENSION}/info/name`, "/info/title"] : ["/api_id", "/name"];
  return pointers.map((p) => valueAt(doc.value, p)).filter((v): v is string => typeof v === "string" && v !== "");
}

/** A rule option holding a list of strings (other entries are skipped). */
export function stringList(options: unknown, key: string): string[] {
  const value = isObject(options) ? options[key] : undefined;
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** The team listed the API as public on purpose (`publicApis` in this rule's options). */
export function isDeclaredPublic(doc: LintDocument, ctx: LintContext): boolean {
  const publicApis = stringList(ctx.ruleOptions["security/keyless-api"], "publicApis");
  return apiNames(doc).some((name) => publicApis.includes(name));
}
