import { apiFacts, isKvReference, parsedUpstream, type Located } from "../support/api-facts.js";
import { fieldName } from "../../read/pointer.js";
import type { Rule, RuleFinding } from "../../types.js";

/** Upstream schemes the gateway proxies to; `tyk://` loops to another API on the same gateway. */
export const UPSTREAM_SCHEMES = ["http", "https", "ws", "wss", "h2c", "tcp", "tls", "tyk"];

export const targetUrl: Rule = {
  id: "target-url",
  defaultSeverity: "error",
  kinds: ["classic-api", "tyk-oas"],
  description: "The upstream (`proxy.target_url`, OAS `upstream.url`) must be an absolute URL with a scheme the gateway supports.",
  help: `The gateway proxies to ${UPSTREAM_SCHEMES.map((s) => `${s}://`).join(", ")} upstreams (tyk:// loops to another API). A relative or scheme-less URL such as \`httpbin.org\` fails on every request. KV references (env://, secrets://, consul://, vault://, $secret_…) are resolved by the gateway and not checked.`,
  check(doc) {
    const facts = apiFacts(doc);
    if (!facts) return [];
    const findings: RuleFinding[] = [];
    for (const target of facts.targets) {
      const problem = upstreamProblem(target, facts.upstreamOptional);
      if (problem) findings.push({ pointer: target.pointer, message: `\`${fieldName(target.pointer)}\` ${problem}` });
    }
    return findings;
  },
};

function upstreamProblem(target: Located<string>, optional: boolean): string | undefined {
  const { value } = target;
  if (value === "") return optional ? undefined : "is empty: the gateway has nowhere to send requests";
  if (isKvReference(value)) return undefined;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(value)?.[1]?.toLowerCase();
  if (!scheme) return `${JSON.stringify(value)} is not an absolute URL; add a scheme, e.g. "http://${value.replace(/^\/+/, "")}"`;
  if (!UPSTREAM_SCHEMES.includes(scheme)) return `${JSON.stringify(value)} uses the scheme "${scheme}:", which the gateway does not proxy to (use ${UPSTREAM_SCHEMES.join(", ")})`;
  const url = parsedUpstream(target);
  if (!url) return `${JSON.stringify(value)} is not a valid URL`;
  if (url.host === "") return `${JSON.stringify(value)} has no host`;
  return undefined;
}
