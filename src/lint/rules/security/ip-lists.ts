import { valueAt } from "../../pointer.js";
import type { LintDocument } from "../../types.js";
import { apiAuth, API_KINDS, OAS_EXTENSION, OWASP, type SecurityRule } from "./common.js";
import { isDeclaredPublic } from "./keyless-api.js";

interface IpLists {
  allowEnabled: boolean;
  allowPointer: string;
  allow: string[];
  blockEnabled: boolean;
  blockPointer: string;
  block: string[];
}

function addresses(root: unknown, pointer: string): string[] {
  const list = valueAt(root, pointer);
  return Array.isArray(list) ? list.filter((ip): ip is string => typeof ip === "string" && ip.trim() !== "") : [];
}

function ipLists(doc: LintDocument): IpLists | undefined {
  const api = doc.value;
  if (doc.kind === "classic-api") {
    return {
      allowEnabled: valueAt(api, "/enable_ip_whitelisting") === true,
      allowPointer: valueAt(api, "/allowed_ips") === undefined ? "/enable_ip_whitelisting" : "/allowed_ips",
      allow: addresses(api, "/allowed_ips"),
      blockEnabled: valueAt(api, "/enable_ip_blacklisting") === true,
      blockPointer: "/blacklisted_ips",
      block: addresses(api, "/blacklisted_ips"),
    };
  }
  if (doc.kind !== "tyk-oas") return undefined;
  // Tyk OAS has one switch for both lists; the gateway applies whichever is not empty.
  const at = `${OAS_EXTENSION}/server/ipAccessControl`;
  const enabled = valueAt(api, `${at}/enabled`) === true;
  return {
    allowEnabled: enabled,
    allowPointer: valueAt(api, `${at}/allow`) === undefined ? `${at}/enabled` : `${at}/allow`,
    allow: addresses(api, `${at}/allow`),
    blockEnabled: enabled,
    blockPointer: `${at}/block`,
    block: addresses(api, `${at}/block`),
  };
}

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

export const blockListAsAccessControl: SecurityRule = {
  id: "security/block-list-as-access-control",
  defaultSeverity: "warning",
  kinds: API_KINDS,
  owasp: OWASP.brokenAuthentication,
  description: "A keyless API relies on an IP block-list as its only access control.",
  help: "A block-list stops only the addresses someone thought of; every other address on the internet, including a blocked client that moves to another address, a proxy or a cloud host, still gets in. On a keyless API with no allow-list it is the only control. APIs listed in `security/keyless-api`'s `publicApis` are not reported: there the block-list fends off abusers.",
  fix: "Turn on authentication, or replace the block-list with an allow-list of the networks that may call the API (`enable_ip_whitelisting` and `allowed_ips`; Tyk OAS `ipAccessControl.allow`).",
  check(doc, ctx) {
    const lists = ipLists(doc);
    const auth = apiAuth(doc);
    if (!lists || !auth?.keyless || auth.internal || !lists.blockEnabled || lists.block.length === 0) return [];
    // On an API that is public on purpose the block-list fends off abusers; it is not the access control.
    if (isDeclaredPublic(doc, ctx)) return [];
    if (lists.allowEnabled && lists.allow.length > 0) return [];
    return [{ pointer: lists.blockPointer, message: "the API is keyless and an IP block-list is its only access control: every address not on the list can call it" }];
  },
};
