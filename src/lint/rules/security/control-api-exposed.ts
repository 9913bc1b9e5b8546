import { valueAt } from "../../read/pointer.js";
import { firstExisting, OWASP, type SecurityRule } from "../support/security.js";

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
