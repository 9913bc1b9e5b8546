import { apiAuth, API_KINDS, isDeclaredPublic, OWASP, type SecurityRule } from "../support/security.js";
import { ipLists } from "../support/ip-lists.js";

export const blockListAsAccessControl: SecurityRule = {
  id: "security/block-list-as-access-control",
  defaultSeverity: "warning",
  kinds: API_KINDS,
  owasp: OWASP.brokenAuthentication,
  description: "A keyless API relies on an IP block-list as its only access control.",
  help: "A block-list stops only the addresses someone thought of; every other address on the internet, including a blocked client that moves to another address, a proxy or a cloud host, still gets in. On a keyless API with no allow-list it is the only control. APIs listed in `security/keyless-api`'s `publicApis` are not reported: there the block-list fends off abusers.",
  fix: "Turn on authentication, or replace the block-list with an allow-list of the networks that may call the API (`enable_ip_whitelisting` and `allowed_ips`; Tyk OAS `ipAccessControl.allow`).",
  check(doc, ctx) {
    const auth = apiAuth(doc);
    if (!auth?.keyless || auth.internal) return [];
    const lists = ipLists(doc);
    if (!lists || !lists.blockEnabled || lists.block.length === 0) return [];
    // On an API that is public on purpose the block-list fends off abusers; it is not the access control.
    if (isDeclaredPublic(doc, ctx)) return [];
    if (lists.allowEnabled && lists.allow.length > 0) return [];
    return [{ pointer: lists.blockPointer, message: "the API is keyless and an IP block-list is its only access control: every address not on the list can call it" }];
  },
};
