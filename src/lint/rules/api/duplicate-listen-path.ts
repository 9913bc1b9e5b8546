import { apiFacts, isKvReference } from "../support/api-facts.js";
import { describeDoc, duplicates, LOADED_TOGETHER, ONE_STORED_API } from "../support/duplicates.js";
import type { Rule } from "../../types.js";

/** "/a" and "/a/" route the same requests. */
function normalisePath(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

export const duplicateListenPath: Rule = {
  id: "duplicate-listen-path",
  defaultSeverity: "error",
  kinds: ["classic-api", "tyk-oas"],
  description: "Two active APIs loaded together listen on the same path (on the same domain and port).",
  help: `Only one API receives requests for a listen path on a domain; the other never sees traffic. Change one listen path, or give the APIs different custom domains. ${LOADED_TOGETHER} ${ONE_STORED_API}`,
  checkProject(_docs, { scope }) {
    return duplicates(
      scope,
      (doc) => {
        const facts = apiFacts(doc);
        const lp = facts?.listenPath;
        if (!facts || !lp || lp.value === "" || !facts.active || isKvReference(lp.value) || facts.protocol === "tcp" || facts.protocol === "tls") return undefined;
        return { key: `${facts.domain.toLowerCase()}\u0000${facts.listenPort}\u0000${normalisePath(lp.value)}`, at: lp };
      },
      (at, first) => {
        const domain = apiFacts(first)?.domain;
        return `listen path ${JSON.stringify(at.value)} is already used by ${describeDoc(first)}${domain ? ` on domain ${domain}` : ""}; only one of the APIs will receive requests`;
      },
    );
  },
};
