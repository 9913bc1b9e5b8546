/**
 * What a parsed value is: which Tyk documents it holds and where. Raw documents, the shapes a
 * Dashboard or tyk-sync exports (`{"api_definition": …}`, `{"oas": …}`, `{"apis": […]}`), lists,
 * gateway policies.json maps and Tyk Operator resources are all unwrapped to the documents inside.
 */
import { childPointer, isObject, valueAt } from "./pointer.js";
import type { DocumentWrapper, Kind, LintDocument, OperatorResource } from "../types.js";
import { closest, typoLimit } from "../../suggest.js";

export type DocumentKind = LintDocument["kind"];

export interface DetectedDocument {
  kind: DocumentKind;
  pointer: string;
  wrapper: DocumentWrapper;
  resource?: OperatorResource;
  /** The Dashboard envelope around the definition (its pointer), for `dashboard` documents that have one. */
  envelope?: string;
}

export interface Detection {
  /** The file-level kind: `policies` for a policies.json map, `mixed` for several kinds. */
  kind: Kind | "mixed" | null;
  documents: DetectedDocument[];
  /** Documents recognised and deliberately not linted, and why (for `--verbose`). */
  skipped?: string[];
  /** ConfigMap keys that Tyk Operator resources take their definition from. */
  configMapRefs?: ConfigMapRef[];
}

/** A key of a Kubernetes ConfigMap. */
export interface ConfigMapKey {
  name: string;
  namespace?: string;
  key: string;
}

export interface ConfigMapRef extends ConfigMapKey {
  /** The resource, e.g. `TykOasApiDefinition "petstore"`. */
  resource: string;
}

/** Extensions that make an OpenAPI document a Tyk OAS API (HTTP, Streams, MCP). */
export const TYK_OAS_EXTENSIONS = ["x-tyk-api-gateway", "x-tyk-streaming", "x-tyk-streams", "x-tyk-mcp-server"];

const OPERATOR_GROUP = /^tyk\.tyk\.io\//;

// Top-level keys typical of each kind; a document needs a few of them to be recognised.
const CONF_KEYS = new Set([
  "listen_port", "listen_address", "secret", "node_secret", "template_path", "app_path", "middleware_path", "storage",
  "hash_keys", "enable_analytics", "analytics_config", "allow_master_keys", "policies", "use_db_app_configs",
  "health_check", "tyk_js_path", "http_server_options", "enable_bundle_downloader", "bundle_base_url", "coprocess_options",
  "slave_options", "db_app_conf_options", "enable_jsvm", "hash_key_function", "control_api_hostname", "control_api_port",
  "log_level", "suppress_redis_signal_reload", "close_connections", "enable_custom_domains", "allow_insecure_configs",
]);
const CLASSIC_KEYS = new Set([
  "api_id", "version_data", "proxy", "use_keyless", "use_standard_auth", "auth", "auth_configs", "definition",
  "custom_middleware_bundle", "enable_jwt", "use_oauth2", "use_basic_auth", "do_not_track", "slug", "enable_context_vars",
  "config_data", "strip_auth_data", "use_openid", "jwt_signing_method", "enable_coprocess_auth", "graphql",
]);
const POLICY_KEYS = new Set([
  "access_rights", "access_rights_array", "rate", "per", "quota_max", "quota_renewal_rate", "throttle_interval",
  "throttle_retry_limit", "key_expires_in", "partitions", "hmac_enabled", "is_inactive", "max_query_depth", "smoothing",
]);

// Fields of a key's session (user.SessionState) that policies do not have: session keys exported
// from Redis, tyk-sync or tests look like policies but are not loaded as policies.
const SESSION_ONLY_KEYS = new Set([
  "allowance", "expires", "quota_renews", "quota_remaining", "oauth_client_id", "oauth_keys", "certificate", "basic_auth_data",
  "jwt_data", "hmac_string", "rsa_certificate_id", "apply_policy_id", "apply_policies", "data_expires", "monitor",
  "enable_detail_recording", "alias", "id_extractor_deadline", "session_lifetime",
]);

// Top-level keys of the Tyk Dashboard's config (tyk_analytics.conf) and of MDCB's (tyk_sink.conf):
// they share `listen_port`, `storage` and `hash_keys` with tyk.conf but configure other programs.
const DASHBOARD_CONF_KEYS = new Set(["tyk_api_config", "mongo_url", "admin_secret", "shared_node_secret", "enable_ownership", "host_config", "sso_permission_defaults", "identity_broker"]);
const MDCB_CONF_KEYS = new Set(["forward_analytics_to_pump", "sync_worker_config", "enable_multiple_analytics_keys", "dont_store_selective", "dont_store_aggregate", "omit_analytics_index_creation"]);

export const DASHBOARD_CONF_SKIPPED = "a Tyk Dashboard config (tyk_analytics.conf: `tyk_api_config`, `mongo_url`, …), not a gateway's: lint does not check it";
export const MDCB_CONF_SKIPPED = "an MDCB config (tyk_sink.conf: `forward_analytics_to_pump`, `sync_worker_config`, …), not a gateway's: lint does not check it";

export const SESSION_KEY_SKIPPED = "a key's session (fields such as `allowance`, `expires`, `quota_remaining`), not a policy: lint does not check keys";

function countKeys(value: Record<string, unknown>, keys: Set<string>): number {
  let n = 0;
  for (const k of Object.keys(value)) if (keys.has(k.toLowerCase())) n++;
  return n;
}

function isTykOas(value: Record<string, unknown>): boolean {
  if (!TYK_OAS_EXTENSIONS.some((x) => isObject(value[x]))) return false;
  // Without `openapi` (missing or misspelt) it is still meant as a Tyk OAS API; validation says what is wrong.
  return typeof value.openapi === "string" || isObject(value.info) || isObject(value.paths);
}

/**
 * TykOasApiDefinition / TykStreamsApiDefinition keep their definition in a ConfigMap
 * (tyk-operator api/v1alpha1/tykoasapidefinition_types.go, `ConfigMapReference`); without a
 * namespace the ConfigMap is in the resource's own.
 */
function configMapRef(resource: Record<string, unknown>): ConfigMapRef {
  const spec = resource.spec as Record<string, unknown>;
  const ref = (isObject(spec.tykOAS) ? spec.tykOAS.configmapRef : isObject(spec.tykStreams) ? spec.tykStreams.configmapRef : undefined) as Record<string, unknown> | undefined;
  const meta = isObject(resource.metadata) ? resource.metadata : {};
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  const namespace = text(ref?.namespace) || text(meta.namespace);
  return { resource: `${String(resource.kind)} ${JSON.stringify(text(meta.name))}`, name: text(ref?.name), key: text(ref?.keyName), ...(namespace ? { namespace } : {}) };
}

/** A key of `value` that is a typo of `api_definition` and holds an object: a Dashboard envelope's definition under a broken key. */
export function misspeltDefinitionKey(value: Record<string, unknown>): string | undefined {
  if (Object.hasOwn(value, "api_definition")) return undefined;
  return Object.keys(value).find(
    (k) => isObject(value[k]) && k !== "api_model" && mayBeTypoOfDefinition(k) && closest(k, ["api_definition"]) === "api_definition",
  );
}

/**
 * Cheap necessary conditions for `closest` to find `api_definition`: a length within the edits it
 * allows, and no more letters beyond those of `api_definition` (counted with repeats: `version_data`
 * has v, r, s and a second a) than that, since each costs an edit. Most keys fail them, and the
 * distance (a tenth of linting a Classic definition) is never computed.
 */
function mayBeTypoOfDefinition(key: string): boolean {
  const limit = typoLimit(key);
  if (Math.abs(key.length - DEFINITION.length) > limit) return false;
  const left = LETTERS_LEFT;
  left.set(DEFINITION_LETTERS);
  let extra = 0;
  for (let i = 0; i < key.length; i++) {
    let c = key.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c < 128 && left[c]! > 0) left[c]!--;
    else if (++extra > limit) return false;
  }
  return true;
}

const DEFINITION = "api_definition";
/** How often each ASCII character occurs in `api_definition`. */
const DEFINITION_LETTERS = new Uint8Array(128);
for (let i = 0; i < DEFINITION.length; i++) DEFINITION_LETTERS[DEFINITION.charCodeAt(i)]!++;
const LETTERS_LEFT = new Uint8Array(128);

// Fields of a policy (user.Policy) that a key's session does not have: old policy examples carry
// session fields such as `quota_renews`, and are still policies.
const POLICY_ONLY_KEYS = new Set(["id", "_id", "name", "active", "partitions", "key_expires_in"]);

function isSessionKey(value: Record<string, unknown>): boolean {
  return countKeys(value, SESSION_ONLY_KEYS) >= 2 && countKeys(value, POLICY_ONLY_KEYS) === 0;
}

function isClassicApi(value: Record<string, unknown>): boolean {
  const proxy = value.proxy;
  if (isObject(proxy) && ("listen_path" in proxy || "target_url" in proxy)) return true;
  return countKeys(value, CLASSIC_KEYS) >= 3;
}

function isGatewayConfig(value: Record<string, unknown>): boolean {
  return countKeys(value, CONF_KEYS) >= 3 && !isClassicApi(value);
}

/** Checked after API definitions and tyk.conf, which may also have `custom_middleware`. */
function isBundleManifest(value: Record<string, unknown>): boolean {
  return Array.isArray(value.file_list) || isObject(value.custom_middleware);
}

function isPolicy(value: Record<string, unknown>): boolean {
  if (isObject(value.access_rights) || Array.isArray(value.access_rights_array)) return true;
  return countKeys(value, POLICY_KEYS) >= 3;
}

/** Detect the documents in one parsed value (a JSON file or one YAML document). */
export function detectDocuments(value: unknown, forced?: Kind): Detection {
  const found: DetectedDocument[] = [];
  const skipped: string[] = [];
  const refs: ConfigMapRef[] = [];
  visit(value, "", "none", found, 0, skipped, refs);
  if (forced) {
    const fits = found.length > 0 && found.every((d) => d.kind === forced || (forced === "policies" && d.kind === "policy"));
    if (!fits) return forcedDetection(value, forced);
  }
  const detection: Detection = { kind: fileKind(found), documents: found };
  if (skipped.length > 0) detection.skipped = skipped;
  if (refs.length > 0) detection.configMapRefs = refs;
  return detection;
}

function forcedDetection(value: unknown, forced: Kind): Detection {
  if (forced !== "policies") return { kind: forced, documents: [{ kind: forced, pointer: "", wrapper: "none" }] };
  const documents: DetectedDocument[] = isObject(value)
    ? Object.keys(value).map((id) => ({ kind: "policy" as const, pointer: childPointer("", id), wrapper: "policies-map" as const }))
    : [];
  return { kind: "policies", documents };
}

function fileKind(found: DetectedDocument[]): Detection["kind"] {
  if (found.length === 0) return null;
  if (found.every((d) => d.wrapper === "policies-map")) return "policies";
  const kinds = new Set(found.map((d) => d.kind));
  return kinds.size === 1 ? found[0]!.kind : "mixed";
}

function visit(value: unknown, pointer: string, wrapper: DocumentWrapper, found: DetectedDocument[], depth: number, skipped: string[], refs: ConfigMapRef[]): void {
  if (depth > 4) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => visit(item, childPointer(pointer, i), "list", found, depth + 1, skipped, refs));
    return;
  }
  if (!isObject(value)) return;
  const add = (kind: DocumentKind, at = pointer, how = wrapper): void => {
    found.push({ kind, pointer: at, wrapper: how });
  };
  const addWrapped = (kind: DocumentKind, key: string): void => {
    found.push({ kind, pointer: childPointer(pointer, key), wrapper: "dashboard", envelope: pointer });
  };

  if (typeof value.apiVersion === "string" && OPERATOR_GROUP.test(value.apiVersion) && isObject(value.spec)) {
    if (value.kind === "ApiDefinition") found.push({ kind: "classic-api", pointer: childPointer(pointer, "spec"), wrapper: "operator", resource: operatorResource(value) });
    else if (value.kind === "SecurityPolicy") found.push({ kind: "policy", pointer: childPointer(pointer, "spec"), wrapper: "operator", resource: operatorResource(value) });
    else if (value.kind === "TykOasApiDefinition" || value.kind === "TykStreamsApiDefinition") {
      const ref = configMapRef(value);
      skipped.push(`${ref.resource}: its definition is in ConfigMap ${JSON.stringify(ref.name)}, key ${JSON.stringify(ref.key)}, linted where that ConfigMap is`);
      refs.push(ref);
    }
    return;
  }
  // A Kubernetes `List` of resources.
  if (value.kind === "List" && Array.isArray(value.items)) {
    visit(value.items, childPointer(pointer, "items"), "list", found, depth + 1, skipped, refs);
    return;
  }
  if (isTykOas(value)) return add("tyk-oas");
  if (isObject(value.oas) && isTykOas(value.oas)) return addWrapped("tyk-oas", "oas");
  if (isObject(value.api_definition)) return addWrapped("classic-api", "api_definition");
  for (const listKey of ["apis", "Data"]) {
    const list = value[listKey];
    if (Array.isArray(list) && list.length > 0 && list.every(isObject)) {
      const before = found.length;
      visit(list, childPointer(pointer, listKey), "list", found, depth + 1, skipped, refs);
      if (found.length > before) return;
    }
  }
  if (isClassicApi(value)) return add("classic-api");
  const otherProgram = countKeys(value, DASHBOARD_CONF_KEYS) >= 2 ? DASHBOARD_CONF_SKIPPED : countKeys(value, MDCB_CONF_KEYS) >= 1 ? MDCB_CONF_SKIPPED : undefined;
  if (otherProgram) {
    skipped.push(pointer ? `${pointer}: ${otherProgram}` : otherProgram);
    return;
  }
  // After the Classic check: an envelope's own keys are never a Classic API's, and most documents
  // are not envelopes, so their keys are not compared with `api_definition`.
  const broken = misspeltDefinitionKey(value);
  if (broken && isClassicApi(value[broken] as Record<string, unknown>)) return addWrapped("classic-api", broken);
  if (isGatewayConfig(value)) return add("tyk-conf");
  if (isBundleManifest(value)) return add("bundle-manifest");
  if (isSessionKey(value)) {
    skipped.push(pointer ? `${pointer}: ${SESSION_KEY_SKIPPED}` : SESSION_KEY_SKIPPED);
    return;
  }
  if (isPolicy(value)) {
    // A policy exported from the Dashboard carries the Dashboard's own keys.
    const fromDashboard = wrapper === "none" && ("access_rights_array" in value || "auth_types" in value || "date_created" in value);
    return add("policy", pointer, fromDashboard ? "dashboard" : wrapper);
  }
  // policies.json: policy id → policy, also wrapped in `{"policies": …}` or `{"Data": …}` (which the gateway does not unwrap).
  const wrappedMap = depth === 0 ? ["policies", "Data"].find((key) => isPoliciesMap(value[key])) : undefined;
  const map = isPoliciesMap(value) ? pointer : wrappedMap !== undefined ? childPointer(pointer, wrappedMap) : undefined;
  if (map !== undefined) for (const id of Object.keys(valueAt(value, map.slice(pointer.length)) as object)) add("policy", childPointer(map, id), "policies-map");
}

function isPoliciesMap(value: unknown): boolean {
  if (!isObject(value)) return false;
  const entries = Object.values(value);
  return entries.length > 0 && entries.every((v) => isObject(v) && isPolicy(v) && !isSessionKey(v));
}

function operatorResource(value: Record<string, unknown>): OperatorResource {
  const metadata = isObject(value.metadata) ? value.metadata : {};
  const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  return { kind: String(value.kind), name: text(metadata.name), namespace: text(metadata.namespace) };
}

// Text that makes an unparsable file found in a directory worth reporting rather than skipping.
const TYK_MARKERS = /x-tyk-api-gateway|"(api_id|listen_path|target_url|listen_port|file_list|custom_middleware|access_rights)"|tyk\.tyk\.io\//;

// A Go template action as Helm charts write them: `{{ .Values.x }}`, `{{- if … }}`, `{{ include … }}`.
const ACTION = String.raw`\{\{-?\s*(?:[.$]|(?:if|else|end|range|with|define|include|template|tpl|toYaml|toJson|printf|default|required|quote|nindent|indent)\b)`;
const TEMPLATE_ACTION = new RegExp(ACTION);
// An action where YAML expects a value or an entry, not inside a string: `name: {{ .Name }}`,
// `- {{ $x }}`, `{{- end }}` at the start of a line (indented lines may be a block scalar's text).
const UNQUOTED_ACTION = new RegExp(String.raw`(?:^|^[ \t]*-[ \t]+|:[ \t]+)` + ACTION, "m");

/**
 * Whether a YAML file is an unrendered Helm (Go) template. Neither the gateway nor the Operator
 * reads one: Helm (or the pipeline) renders it first, so its YAML is not what gets deployed, and
 * `name: {{ .Name }}` even parses, as a map. Tyk's own Go templates in definitions
 * (`template_source`, mock response bodies) sit inside strings, so only an action outside a
 * string, a file that does not parse, or a file in a chart's `templates/` folder counts.
 */
export function isHelmTemplate(text: string, parses: boolean, inChartTemplates: boolean): boolean {
  return TEMPLATE_ACTION.test(text) && (!parses || inChartTemplates || UNQUOTED_ACTION.test(text));
}

/** Whether a file's text mentions something only Tyk documents have (for files that do not parse). */
export function mentionsTyk(text: string): boolean {
  return TYK_MARKERS.test(text);
}
