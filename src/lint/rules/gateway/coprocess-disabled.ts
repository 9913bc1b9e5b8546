/** An API definition checked against the tyk.conf files that load it. */
import { apiFacts } from "../support/api-facts.js";
import { gatewayProblems } from "../support/gateways.js";
import { valueAt } from "../../read/pointer.js";
import type { ProjectFinding, Rule } from "../../types.js";

const COPROCESS_DRIVERS = ["python", "lua", "grpc"];

export const coprocessDisabled: Rule = {
  id: "coprocess-disabled",
  defaultSeverity: "error",
  kinds: ["classic-api", "tyk-oas"],
  description: "An API uses python, lua or grpc plugins but the tyk.conf that loads it has `coprocess_options.enable_coprocess` off.",
  help: "Checked against the tyk.conf files whose `app_path` holds the API (or a deployment in tyk-ts.config.json). Python, Lua and gRPC plugins run only when `coprocess_options.enable_coprocess` is true (gateway/coprocess.go `CoProcessInit`); otherwise their hooks never run.",
  checkProject(docs, { scope }) {
    const findings: ProjectFinding[] = [];
    for (const doc of docs) {
      const facts = apiFacts(doc);
      const driver = facts?.driver;
      if (!facts || !driver || !COPROCESS_DRIVERS.includes(driver.value)) continue;
      if (!facts.hasInlineHooks && !facts.bundle) continue;
      const problems = gatewayProblems(scope, doc, (settings) => (valueAt(settings, "/coprocess_options/enable_coprocess") === true ? undefined : "`coprocess_options.enable_coprocess` is off"));
      if (problems) findings.push({ document: doc, pointer: driver.pointer, message: `${driver.value} plugins will not run: ${problems}` });
    }
    return findings;
  },
};
