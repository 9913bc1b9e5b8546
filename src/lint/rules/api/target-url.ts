import { apiFacts, isKvReference, isPlaceholder, parsedUpstream, type Upstream } from "../support/api-facts.js";
import { fieldName } from "../../read/pointer.js";
import type { Rule, RuleFinding } from "../../types.js";

/** Upstream schemes the gateway proxies to; `tyk://` loops to another API on the same gateway. */
export const UPSTREAM_SCHEMES = ["http", "https", "ws", "wss", "h2c", "tcp", "tls", "tyk"];

export const targetUrl: Rule = {
  id: "target-url",
  defaultSeverity: "error",
  kinds: ["classic-api", "tyk-oas"],
  description: "The upstream (`proxy.target_url`, OAS `upstream.url`) must be an absolute URL with a scheme the gateway supports.",
  help: `The gateway proxies to ${UPSTREAM_SCHEMES.map((s) => `${s}://`).join(", ")} upstreams (tyk:// loops to another API). A relative or scheme-less URL such as \`httpbin.org\` fails on every request. KV references (env://, secrets://, consul://, vault://, $secret_…) are resolved by the gateway and not checked, nor are placeholders a deployment step fills in (\`\${VAR}\`, \`{{ .Values.url }}\`, \`<<AUTO REPLACE TARGETURL>>\`, \`{UPSTREAM_URL}\`). Load-balancing targets (\`proxy.target_list\`, OAS \`upstream.loadBalancing.targets\`) may omit the scheme: the gateway's EnsureTransport (gateway/reverse_proxy.go) adds the API's protocol, or http, to any entry Go's url.Parse reads without one (\`httpbin.org\`, \`10.0.0.1/api\`); \`host:port\` entries are reported because url.Parse reads \`host:\` as a scheme (or refuses a numeric host), so nothing is added. An HTTP API without a listen path is not checked: the gateway skips it before it looks at the upstream (\`skipSpecBecauseInvalid\`).`,
  check(doc) {
    const facts = apiFacts(doc);
    if (!facts) return [];
    // skipSpecBecauseInvalid (gateway/api_loader.go) skips an HTTP API without a listen path before it
    // looks at the upstream: such an API is never served (api-not-loaded says so in an app_path).
    if (facts.protocol !== "tcp" && facts.protocol !== "tls" && !facts.listenPath?.value) return [];
    const findings: RuleFinding[] = [];
    for (const target of facts.targets) {
      const problem = upstreamProblem(target, facts.upstreamOptional);
      if (problem) findings.push({ pointer: target.pointer, message: `\`${fieldName(target.pointer)}\` ${problem}` });
    }
    return findings;
  },
};

/**
 * An http(s)/ws(s) URL that URL parses with a host, known without parsing it: letter-led ASCII
 * labels (no IPv4 parse, no punycode to decode), a port below 10000, printable ASCII after it.
 */
const PLAIN_WEB_URL = /^(?!.*xn--)(?:https?|wss?):\/\/(?:[a-z][a-z0-9-]*\.)*[a-z][a-z0-9-]*(?::\d{1,4})?(?:[/?#][\x21-\x7e]*)?$/i;

function upstreamProblem(target: Upstream, optional: boolean): string | undefined {
  const { value } = target;
  if (target.problem) return `${JSON.stringify(value)} cannot be used as an upstream: ${target.problem}, so the gateway's EnsureTransport leaves it as written; write "http://${value}"`;
  if (value === "") return optional ? undefined : "is empty: the gateway has nowhere to send requests";
  if (isKvReference(value) || isPlaceholder(value)) return undefined;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(value)?.[1]?.toLowerCase();
  if (!scheme) return `${JSON.stringify(value)} is not an absolute URL; add a scheme, e.g. "http://${value.replace(/^\/+/, "")}"`;
  if (!UPSTREAM_SCHEMES.includes(scheme)) {
    if (/target_list|loadBalancing/.test(target.pointer) && /^[a-z][a-z0-9.-]*:\d+(\/|$)/i.test(value)) {
      return `${JSON.stringify(value)} is read by Go's url.Parse as the scheme "${scheme}:", so the gateway's EnsureTransport adds no http:// and no request reaches it; write "http://${value}"`;
    }
    return `${JSON.stringify(value)} uses the scheme "${scheme}:", which the gateway does not proxy to (use ${UPSTREAM_SCHEMES.join(", ")})`;
  }
  if (PLAIN_WEB_URL.test(value)) return undefined;
  const url = parsedUpstream(target);
  if (!url) return `${JSON.stringify(value)} is not a valid URL`;
  if (url.host === "") return `${JSON.stringify(value)} has no host`;
  return undefined;
}
