import { API_KINDS, OWASP, type SecurityRule } from "../support/security.js";
import { ipLists } from "../support/ip-lists.js";

export const emptyIpAllowList: SecurityRule = {
  id: "security/empty-ip-allow-list",
  defaultSeverity: "warning",
  kinds: API_KINDS,
  owasp: OWASP.securityMisconfiguration,
  description: "The IP allow-list is switched on but lists no address, so it lets every address through.",
  help: "The gateway skips an allow-list with no entries: the API looks restricted to known networks in review but is open to everyone (Classic `enable_ip_whitelisting` with empty `allowed_ips`; Tyk OAS `server.ipAccessControl` enabled with empty `allow` and `block`).",
  fix: "Add the addresses or CIDR ranges that may call the API to `allowed_ips` (Tyk OAS `ipAccessControl.allow`), or switch the allow-list off if the API is meant to be reachable from anywhere.",
  check(doc) {
    const lists = ipLists(doc);
    if (!lists?.allowEnabled || lists.allow.length > 0) return [];
    // On Tyk OAS a block-list under the same switch is a deliberate choice, not an empty allow-list.
    if (doc.kind === "tyk-oas" && lists.block.length > 0) return [];
    return [{ pointer: lists.allowPointer, message: "the IP allow-list is enabled but empty: the gateway ignores it and every address can call the API" }];
  },
};
