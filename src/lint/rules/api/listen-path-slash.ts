import { apiFacts, isKvReference, isPlaceholder } from "../support/api-facts.js";
import type { Rule } from "../../types.js";

export const listenPathSlash: Rule = {
  id: "listen-path-slash",
  defaultSeverity: "error",
  kinds: ["classic-api", "tyk-oas"],
  description: "A listen path must start with `/`.",
  help: "The gateway matches the listen path against the request path, which always starts with `/`, so a listen path such as `httpbin/` never matches. Write `/httpbin/`. Placeholders a deployment step fills in (`${LISTEN_PATH}`, `{{ .Values.listenPath }}`, `<<AUTO REPLACE LISTENPATH>>`, `{LISTEN_PATH}`) are not checked.",
  check(doc) {
    const facts = apiFacts(doc);
    const listenPath = facts?.listenPath;
    if (!facts || !listenPath || listenPath.value === "" || isKvReference(listenPath.value) || isPlaceholder(listenPath.value)) return [];
    if (facts.protocol === "tcp" || facts.protocol === "tls") return [];
    if (listenPath.value.startsWith("/")) return [];
    return [{ pointer: listenPath.pointer, message: `listen path ${JSON.stringify(listenPath.value)} must start with "/"; write ${JSON.stringify(`/${listenPath.value}`)}` }];
  },
};
