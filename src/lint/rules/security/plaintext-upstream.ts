import { fieldName } from "../../read/pointer.js";
import { apiFacts, isKvReference, isPlaceholder, parsedUpstream } from "../support/api-facts.js";
import { API_KINDS, OWASP, stringList, type SecurityRule } from "../support/security.js";
import { isInternalHost } from "../support/hosts.js";
import type { RuleFinding } from "../../types.js";

const ID = "security/plaintext-upstream";

/** Schemes that carry requests unencrypted to the upstream. */
const PLAINTEXT_SCHEMES = new Set(["http:", "ws:", "h2c:"]);

/** A value starting so is parsed by URL as https: or wss: (or not at all): no URL needed to pass it. */
const ENCRYPTED_SCHEME = /^(?:https|wss):/i;

export const plaintextUpstream: SecurityRule = {
  id: ID,
  defaultSeverity: "warning",
  kinds: API_KINDS,
  owasp: OWASP.securityMisconfiguration,
  description: "An API proxies over plain HTTP (http://, ws://, h2c://) to a host outside the gateway's machine or cluster.",
  help: "Requests, credentials the gateway forwards and responses cross the network unencrypted and can be read or changed on the way. Hosts treated as internal, where plain HTTP is accepted: `localhost` and `*.localhost`, single-label names (Docker Compose or Kubernetes services such as `httpbin`), `*.svc`, `*.cluster.local`, `*.internal`, loopback and private addresses (127.0.0.0/8, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 169.254.0.0/16, ::1, fc00::/7, fe80::/10).",
  fix: 'Use https:// (wss:// for WebSockets) for the upstream. If the host is on your own network, add it to the config: `"rules": {"security/plaintext-upstream": ["warning", {"internalHosts": ["*.corp.example"]}]}`.',
  check(doc, ctx) {
    const facts = apiFacts(doc);
    if (!facts) return [];
    let findings: RuleFinding[] | undefined;
    for (const target of facts.targets) {
      if (ENCRYPTED_SCHEME.test(target.value) || isKvReference(target.value) || isPlaceholder(target.value)) continue;
      const url = parsedUpstream(target);
      if (!url) continue; // target-url reports malformed URLs
      if (!PLAINTEXT_SCHEMES.has(url.protocol) || isInternalHost(url.hostname, stringList(ctx.ruleOptions[ID], "internalHosts"))) continue;
      (findings ??= []).push({ pointer: target.pointer, message: `\`${fieldName(target.pointer)}\` sends traffic unencrypted to ${url.hostname}, which is not a local or cluster-internal host; use ${url.protocol === "ws:" ? "wss" : "https"}://` });
    }
    return findings ?? [];
  },
};
