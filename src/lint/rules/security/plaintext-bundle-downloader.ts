import { valueAt } from "../../read/pointer.js";
import { OWASP, type SecurityRule } from "../support/security.js";

export const plaintextBundleDownloader: SecurityRule = {
  id: "security/plaintext-bundle-downloader",
  defaultSeverity: "warning",
  kinds: ["tyk-conf"],
  owasp: OWASP.securityMisconfiguration,
  description: "The bundle downloader fetches plugin code over plain http://.",
  help: "Plugin bundles (JavaScript, Python, Lua, gRPC and Go plugins) run inside the gateway with access to every request. Downloaded over plain HTTP, anyone on the network path can read them or, unless bundles are signed and `public_key_path` is set, replace them with their own code.",
  fix: "Serve bundles over https:// (`bundle_base_url`), sign them, and set `public_key_path`.",
  check(doc) {
    const url = valueAt(doc.value, "/bundle_base_url");
    if (valueAt(doc.value, "/enable_bundle_downloader") !== true || typeof url !== "string" || !/^http:\/\//i.test(url.trim())) return [];
    const runtimes = [valueAt(doc.value, "/enable_jsvm") === true && "the JavaScript VM", valueAt(doc.value, "/coprocess_options/enable_coprocess") === true && "coprocess plugins"].filter(Boolean);
    const running = runtimes.length > 0 ? ` and runs it (${runtimes.join(" and ")} enabled)` : "";
    return [{ pointer: "/bundle_base_url", message: `\`bundle_base_url\` is ${JSON.stringify(url)}: the gateway downloads plugin code over plain HTTP${running}` }];
  },
};
