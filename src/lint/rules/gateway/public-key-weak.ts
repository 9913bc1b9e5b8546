import { createPublicKey } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { GO_RSA_MIN_BITS, GO_RSA_MIN_RELEASES } from "../../../bundle/gateway-versions.js";
import { valueAt } from "../../read/pointer.js";
import type { Rule } from "../../types.js";
import { publicKeyCandidates } from "../support/public-key-file.js";

/** NIST SP 800-57's minimum for RSA since 2013, and what `tyk-ts keygen` writes at least. */
const RECOMMENDED_BITS = 2048;

export const publicKeyWeak: Rule = {
  id: "public-key-weak",
  defaultSeverity: "warning",
  kinds: ["tyk-conf"],
  description: "`public_key_path` in tyk.conf names an RSA key under 2048 bits.",
  help: `Bundle signatures made with a short key can be forged. Under ${GO_RSA_MIN_BITS} bits it is worse: gateways built with Go 1.24 or later (${GO_RSA_MIN_RELEASES}) refuse every bundle signed for it ("crypto/rsa: … keys are insecure"). Create a new pair with \`tyk-ts keygen\` (2048 bits or more) and re-sign the bundles.`,
  check(doc, ctx) {
    const keyPath = valueAt(doc.value, "/public_key_path");
    if (typeof keyPath !== "string" || keyPath === "") return [];
    const file = publicKeyCandidates(keyPath, doc, ctx).find((c) => existsSync(c));
    if (!file) return [];
    let bits: number | undefined;
    try {
      const key = createPublicKey(readFileSync(file));
      bits = key.asymmetricKeyType === "rsa" ? key.asymmetricKeyDetails?.modulusLength : undefined;
    } catch {
      return []; // not a readable public key: `bundle verify -k` says why
    }
    if (bits === undefined || bits >= RECOMMENDED_BITS) return [];
    const consequence =
      bits < GO_RSA_MIN_BITS
        ? `gateways built with Go 1.24 or later (${GO_RSA_MIN_RELEASES}) refuse every bundle signed for it, older ones accept forgeable signatures`
        : `signatures made with it can be forged with enough computing power (use ${RECOMMENDED_BITS} bits or more)`;
    return [{ pointer: "/public_key_path", message: `public key ${JSON.stringify(keyPath)} is a ${bits}-bit RSA key: ${consequence}` }];
  },
};
