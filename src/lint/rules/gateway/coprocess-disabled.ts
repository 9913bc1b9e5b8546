/** An API definition checked against the tyk.conf files that load it. */
import type { ApiFacts } from "../support/api-facts.js";
import { apiGatewayFindings } from "../support/gateways.js";
import { valueAt } from "../../read/pointer.js";
import type { Rule } from "../../types.js";

const COPROCESS_DRIVERS = ["python", "lua", "grpc"];

export const coprocessDisabled: Rule = {
  id: "coprocess-disabled",
  defaultSeverity: "error",
  kinds: ["classic-api", "tyk-oas"],
  description: "An API uses python, lua or grpc plugins but the tyk.conf that loads it has `coprocess_options.enable_coprocess` off.",
  help: "Checked against the tyk.conf files whose `app_path` holds the API (or a deployment in tyk-ts.config.json). Python, Lua and gRPC plugins run only when `coprocess_options.enable_coprocess` is true (gateway/coprocess.go `CoProcessInit`); otherwise their hooks never run.",
  checkProject(docs, { scope }) {
    // Python, Lua and gRPC hooks, defined in the API or in its bundle.
    const coprocessDriver = (facts: ApiFacts) => (facts.driver && COPROCESS_DRIVERS.includes(facts.driver.value) && (facts.hasInlineHooks || facts.bundle) ? facts.driver : undefined);
    const off = (settings: unknown) => (valueAt(settings, "/coprocess_options/enable_coprocess") === true ? undefined : "`coprocess_options.enable_coprocess` is off");
    return apiGatewayFindings(docs, scope, coprocessDriver, off, (driver, problems) => `${driver} plugins will not run: ${problems}`);
  },
};
