/**
 * The facts rules need about an API, read the same way from a Tyk Classic and a Tyk OAS definition,
 * each with the pointer of the value it came from.
 */
import { isObject, valueAt } from "../../read/pointer.js";
import type { LintDocument } from "../../types.js";
import { ensureTransport } from "./ensure-transport.js";

export interface Located<T> {
  value: T;
  pointer: string;
}

/** An upstream: for load-balancing targets, `value` is what the gateway makes of the entry (EnsureTransport). */
export interface Upstream extends Located<string> {
  /** The entry as written, when the gateway changes it. */
  written?: string;
  /** Why the gateway cannot use the entry as a URL even after EnsureTransport. */
  problem?: string;
}

export interface ApiFacts {
  apiId?: Located<string>;
  listenPath?: Located<string>;
  /** Custom domain the API listens on; "" for every domain. */
  domain: string;
  /** A custom port (Classic `listen_port`); 0 for the gateway's own. */
  listenPort: number;
  /** false only when the definition says the API is inactive. */
  active: boolean;
  /** TCP/TLS APIs have no listen path or HTTP upstream. */
  protocol: string;
  /** The upstream URL(s) the gateway proxies to, when the API proxies at all. */
  targets: Upstream[];
  /** An empty upstream is fine (GraphQL engine, Streams, service discovery, load balancing…). */
  upstreamOptional: boolean;
  /** `custom_middleware_bundle` (or the OAS bundle path) when bundles are enabled. */
  bundle?: Located<string>;
  driver?: Located<string>;
  /** Hooks defined in the definition itself (not in a bundle). */
  hasInlineHooks: boolean;
}

const TYK_OAS = "x-tyk-api-gateway";

function str(doc: unknown, pointer: string): Located<string> | undefined {
  const value = valueAt(doc, pointer);
  return typeof value === "string" ? { value, pointer } : undefined;
}

function truthy(doc: unknown, pointer: string): boolean {
  return valueAt(doc, pointer) === true;
}

const factsCache = new WeakMap<LintDocument, ApiFacts>();
const upstreamUrls = new WeakMap<Located<string>, URL | null>();

/** An upstream of `ApiFacts.targets` as a URL, parsed once for every rule; undefined when it is not one. */
export function parsedUpstream(target: Located<string>): URL | undefined {
  let url = upstreamUrls.get(target);
  if (url === undefined) {
    try {
      url = new URL(target.value);
    } catch {
      url = null;
    }
    upstreamUrls.set(target, url);
  }
  return url ?? undefined;
}

/** The API's facts, or undefined for documents that are not API definitions. Computed once per document. */
export function apiFacts(doc: LintDocument): ApiFacts | undefined {
  if (doc.kind !== "classic-api" && doc.kind !== "tyk-oas") return undefined;
  let facts = factsCache.get(doc);
  if (!facts) {
    facts = doc.kind === "classic-api" ? classicFacts(doc.value) : oasFacts(doc.value);
    factsCache.set(doc, facts);
  }
  return facts;
}

/** Load-balancing targets go through EnsureTransport (Tyk OAS targets become the Classic `target_list`). */
function loadBalancingTarget(written: string, pointer: string, protocol: string): Upstream {
  if (written === "" || isKvReference(written) || isPlaceholder(written)) return { value: written, pointer };
  const { url, problem } = ensureTransport(written, protocol);
  return { value: url, pointer, written: url === written ? undefined : written, problem };
}

const HOOK_LISTS = ["pre", "post", "post_key_auth", "response"];

function classicFacts(api: unknown): ApiFacts {
  const graphqlMode = valueAt(api, "/graphql/execution_mode");
  const graphqlEngine = truthy(api, "/graphql/enabled") && (graphqlMode === "executionEngine" || graphqlMode === "supergraph");
  const loadBalanced = truthy(api, "/proxy/enable_load_balancing");
  const targets: Upstream[] = [];
  const protocol = str(api, "/protocol")?.value ?? "";
  if (loadBalanced) {
    const list = valueAt(api, "/proxy/target_list");
    if (Array.isArray(list)) {
      list.forEach((t, i) => typeof t === "string" && targets.push(loadBalancingTarget(t, `/proxy/target_list/${i}`, protocol)));
    }
  } else {
    const target = str(api, "/proxy/target_url");
    if (target) targets.push(target);
  }
  const bundle = str(api, "/custom_middleware_bundle");
  const middleware = valueAt(api, "/custom_middleware");
  const hasInlineHooks =
    isObject(middleware) &&
    (HOOK_LISTS.some((k) => Array.isArray(middleware[k]) && (middleware[k] as unknown[]).length > 0) ||
      (isObject(middleware.auth_check) && typeof middleware.auth_check.name === "string" && middleware.auth_check.name !== ""));
  const port = valueAt(api, "/listen_port");
  return {
    apiId: str(api, "/api_id"),
    listenPath: str(api, "/proxy/listen_path"),
    domain: truthy(api, "/domain_disabled") ? "" : (str(api, "/domain")?.value ?? ""),
    listenPort: typeof port === "number" ? port : 0,
    active: valueAt(api, "/active") !== false,
    protocol,
    targets,
    // Tyk Operator resolves `proxy.target_internal` (another ApiDefinition) into the target URL.
    upstreamOptional: graphqlEngine || loadBalanced || truthy(api, "/proxy/service_discovery/use_discovery_service") || isObject(valueAt(api, "/proxy/target_internal")),
    bundle: bundle && bundle.value !== "" && !truthy(api, "/custom_middleware_bundle_disabled") ? bundle : undefined,
    driver: str(api, "/custom_middleware/driver"),
    hasInlineHooks,
  };
}

function oasFacts(doc: unknown): ApiFacts {
  const x = `/${TYK_OAS}`;
  const plugin = `${x}/middleware/global/pluginConfig`;
  const bundle = str(doc, `${plugin}/bundle/path`);
  const loadBalanced = truthy(doc, `${x}/upstream/loadBalancing/enabled`);
  const targets: Upstream[] = [];
  if (loadBalanced) {
    const list = valueAt(doc, `${x}/upstream/loadBalancing/targets`);
    if (Array.isArray(list)) list.forEach((_, i) => {
      const t = str(doc, `${x}/upstream/loadBalancing/targets/${i}/url`);
      if (t) targets.push(loadBalancingTarget(t.value, t.pointer, ""));
    });
  } else {
    const target = str(doc, `${x}/upstream/url`);
    if (target) targets.push(target);
  }
  const isStreams = isObject(doc) && ("x-tyk-streaming" in doc || "x-tyk-streams" in doc);
  const hooks = valueAt(doc, `${x}/middleware/global`);
  const hasInlineHooks =
    isObject(hooks) &&
    ["prePlugins", "postAuthenticationPlugins", "postPlugins", "responsePlugins", "prePlugin", "postAuthenticationPlugin", "postPlugin", "responsePlugin"].some((k) => {
      const v = hooks[k];
      return Array.isArray(v) ? v.length > 0 : isObject(v);
    });
  return {
    apiId: str(doc, `${x}/info/id`),
    listenPath: str(doc, `${x}/server/listenPath/value`),
    domain: truthy(doc, `${x}/server/customDomain/enabled`) ? (str(doc, `${x}/server/customDomain/name`)?.value ?? "") : "",
    listenPort: 0,
    active: valueAt(doc, `${x}/info/state/active`) !== false,
    protocol: "",
    targets,
    upstreamOptional: isStreams || loadBalanced || truthy(doc, `${x}/upstream/serviceDiscovery/enabled`),
    bundle: bundle && bundle.value !== "" && truthy(doc, `${plugin}/bundle/enabled`) ? bundle : undefined,
    driver: str(doc, `${plugin}/driver`),
    hasInlineHooks,
  };
}

/**
 * A value a deployment step fills in before the gateway reads the file: compose or envsubst
 * `${VAR}`, Helm/Jinja `{{ … }}`, CI markers such as `<<AUTO REPLACE TARGETURL>>`, and
 * `{ENV_STYLE_NAME}` (an upper-case name with an underscore: a path parameter such as `{id}` is not
 * one). What the gateway will get is not known here, so rules that judge the value leave it alone.
 */
export function isPlaceholder(value: string): boolean {
  return /\$\{[^}]*\}|\{\{.*?\}\}|<<[^<>]+>>|\{[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\}/.test(value);
}

/** Values the gateway resolves from a KV store or the environment at load time. */
export function isKvReference(value: string): boolean {
  return /^(env|consul|vault|secrets):\/\//.test(value) || /^\$secret_(env|conf|vault|consul)\./.test(value);
}
