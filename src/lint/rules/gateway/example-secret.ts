import { valueAt } from "../../read/pointer.js";
import type { Rule, RuleFinding } from "../../types.js";
import { EXAMPLE_SECRETS } from "../support/secrets.js";

const SECRET_FIELDS = ["/secret", "/node_secret"];

export const exampleSecret: Rule = {
  id: "example-secret",
  defaultSeverity: "warning",
  kinds: ["tyk-conf"],
  description: "`secret` or `node_secret` in tyk.conf is one of Tyk's well-known example values.",
  help: "`secret` protects the gateway's control API (`x-tyk-authorization`) and `node_secret` the node's registration with a Dashboard. The values from Tyk's samples are public: anyone who reaches the gateway can use them. Set a long random value, e.g. from `openssl rand -hex 32`, preferably through the environment (TYK_GW_SECRET, TYK_GW_NODESECRET).",
  check(doc) {
    const findings: RuleFinding[] = [];
    for (const pointer of SECRET_FIELDS) {
      const value = valueAt(doc.value, pointer);
      if (typeof value === "string" && EXAMPLE_SECRETS.includes(value.toLowerCase())) {
        findings.push({ pointer, message: `\`${pointer.slice(1)}\` is ${JSON.stringify(value)}, a well-known example value from Tyk's samples; set a random secret` });
      }
    }
    return findings;
  },
};
