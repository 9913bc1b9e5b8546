/** An API's IP allow and block lists, read the same way from Tyk Classic and Tyk OAS. */
import { valueAt } from "../../read/pointer.js";
import type { LintDocument } from "../../types.js";
import { OAS_EXTENSION } from "./security.js";

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

export function ipLists(doc: LintDocument): IpLists | undefined {
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
