/** An API definition checked against the tyk.conf linted with it. */
import { apiFacts } from "../support/api-facts.js";
import { valueAt } from "../../read/pointer.js";
import type { ProjectFinding, Rule } from "../../types.js";

const COPROCESS_DRIVERS = ["python", "lua", "grpc"];

export const coprocessDisabled: Rule = {
  id: "coprocess-disabled",
  defaultSeverity: "error",
  kinds: ["classic-api", "tyk-oas"],
  description: "An API uses python, lua or grpc plugins but the linted tyk.conf has `coprocess_options.enable_coprocess` off.",
  help: "Checked when a tyk.conf is linted with the APIs. Python, Lua and gRPC plugins run only when `coprocess_options.enable_coprocess` is true; otherwise their hooks never run.",
  checkProject(docs) {
    const findings: ProjectFinding[] = [];
    for (const conf of docs.filter((d) => d.kind === "tyk-conf")) {
      if (valueAt(conf.value, "/coprocess_options/enable_coprocess") === true) continue;
      for (const doc of docs) {
        const facts = apiFacts(doc);
        const driver = facts?.driver;
        if (!facts || !driver || !COPROCESS_DRIVERS.includes(driver.value)) continue;
        if (!facts.hasInlineHooks && !facts.bundle) continue;
        findings.push({
          document: doc,
          pointer: driver.pointer,
          message: `${driver.value} plugins will not run: \`coprocess_options.enable_coprocess\` is off in ${conf.file}`,
        });
      }
    }
    return findings;
  },
};
