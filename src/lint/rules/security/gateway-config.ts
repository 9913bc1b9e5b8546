import { valueAt } from "../../pointer.js";
import { firstExisting, OWASP, type SecurityRule } from "./common.js";

export const hashKeysOff: SecurityRule = {
  id: "security/hash-keys-off",
  defaultSeverity: "warning",
  kinds: ["tyk-conf"],
  owasp: OWASP.securityMisconfiguration,
  description: "`hash_keys` is off (or not set, which the gateway reads as off): API keys are stored in Redis in plain text.",
  help: "Without hashing, anyone who can read Redis, its backups or the control API's key listing gets every working API key.",
  fix: "Set `hash_keys: true` (existing keys keep working; new ones are stored hashed). If the value comes from the environment (TYK_GW_HASHKEYS), ignore this finding in the config with that reason.",
  check(doc) {
    const value = valueAt(doc.value, "/hash_keys");
    if (value === true) return [];
    const pointer = firstExisting(doc.value, "/hash_keys", "");
    return [{ pointer, message: `${value === undefined ? "`hash_keys` is not set, so it is false" : "`hash_keys` is false"}: API keys are stored in Redis in plain text` }];
  },
};

export const insecureConfigsAllowed: SecurityRule = {
  id: "security/insecure-configs-allowed",
  defaultSeverity: "warning",
  kinds: ["tyk-conf"],
  owasp: OWASP.securityMisconfiguration,
  description: "`allow_insecure_configs` is on: the gateway accepts Dashboard messages without checking their signature.",
  help: "Tyk's documentation describes this switch as turning off the verification of Dashboard message signatures, so `public_key_path` is no longer needed: whoever can send the gateway such messages, for example through a compromised Redis, can push configuration and code to it.",
  fix: "Set `allow_insecure_configs: false` and configure `public_key_path` with the Dashboard's public key.",
  check(doc) {
    if (valueAt(doc.value, "/allow_insecure_configs") !== true) return [];
    return [{ pointer: "/allow_insecure_configs", message: "`allow_insecure_configs` is true: Dashboard messages are accepted without a signature check" }];
  },
};

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

export const controlApiExposed: SecurityRule = {
  id: "security/control-api-exposed",
  defaultSeverity: "warning",
  kinds: ["tyk-conf"],
  owasp: OWASP.securityMisconfiguration,
  description: "The control API (`/tyk/…`) is served on the public listener: no `control_api_port` or `control_api_hostname` while `listen_address` is not loopback.",
  help: "The control API creates keys and changes APIs and policies, guarded only by `secret`. Served on the same address and port as the APIs, it is reachable by every client that can reach the gateway and cannot be firewalled apart. Not reported when `listen_address` is loopback or `security.control_api_use_mutual_tls` is on.",
  fix: "Set `control_api_port` (e.g. 8081) and block that port at the firewall or load balancer, or restrict it with `control_api_hostname` to a name only your network resolves.",
  check(doc) {
    const conf = doc.value;
    const port = valueAt(conf, "/control_api_port");
    const hostname = valueAt(conf, "/control_api_hostname");
    if ((typeof port === "number" && port > 0) || (typeof hostname === "string" && hostname.trim() !== "")) return [];
    if (valueAt(conf, "/security/control_api_use_mutual_tls") === true) return [];
    const address = valueAt(conf, "/listen_address");
    if (typeof address === "string" && /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/i.test(address.trim())) return [];
    const where = typeof address === "string" && address.trim() !== "" ? address : "every interface";
    return [{ pointer: firstExisting(conf, "/control_api_port", "/listen_address", ""), message: `the control API shares the public listener (${where}): set \`control_api_port\` and keep that port private` }];
  },
};
