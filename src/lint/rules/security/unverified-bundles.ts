import { valueAt } from "../../read/pointer.js";
import type { LintDocument, ProjectFinding } from "../../types.js";
import { apiFacts } from "../support/api-facts.js";
import { API_KINDS, OWASP, type SecurityRule } from "../support/security.js";

/** What in a tyk.conf lets a tampered or unsigned bundle load; empty when bundles are verified. */
function bundleWeaknesses(conf: LintDocument): string[] {
  const weaknesses: string[] = [];
  const publicKey = valueAt(conf.value, "/public_key_path");
  if (typeof publicKey !== "string" || publicKey.trim() === "") weaknesses.push("has no `public_key_path`, so unsigned bundles load");
  if (valueAt(conf.value, "/bundle_insecure_skip_verify") === true) weaknesses.push("has `bundle_insecure_skip_verify` on, so the bundle server's certificate is not checked");
  if (valueAt(conf.value, "/skip_verify_existing_plugin_bundle") === true) weaknesses.push("has `skip_verify_existing_plugin_bundle` on, so bundles already on disk are not re-verified");
  return weaknesses;
}

export const unverifiedBundles: SecurityRule = {
  id: "security/unverified-bundles",
  defaultSeverity: "warning",
  kinds: API_KINDS,
  owasp: OWASP.securityMisconfiguration,
  description: "An API loads a plugin bundle while the linted tyk.conf does not verify bundles (no `public_key_path`, or `bundle_insecure_skip_verify` on).",
  help: "Checked when a tyk.conf is linted with the APIs. Bundles are code the gateway runs with access to every request. Without `public_key_path` the gateway accepts unsigned bundles, and with `bundle_insecure_skip_verify` it downloads them from a server whose identity it does not check: whoever can write to the bundle server or intercept the download runs code inside the gateway.",
  fix: "Sign bundles (`tyk-ts bundle build --key private.pem`), set `public_key_path` in tyk.conf to the matching public key, and keep `bundle_insecure_skip_verify` and `skip_verify_existing_plugin_bundle` off.",
  checkProject(docs) {
    const weakConfs = docs
      .filter((d) => d.kind === "tyk-conf")
      .map((conf) => ({ conf, weaknesses: bundleWeaknesses(conf) }))
      .filter((c) => c.weaknesses.length > 0);
    const first = weakConfs[0];
    if (!first) return [];
    // One finding per API, however many tyk.conf files were linted with it.
    const others = weakConfs.length > 1 ? ` (and ${weakConfs.length - 1} other linted tyk.conf file${weakConfs.length > 2 ? "s" : ""})` : "";
    const findings: ProjectFinding[] = [];
    for (const doc of docs) {
      const bundle = apiFacts(doc)?.bundle;
      if (!bundle) continue;
      findings.push({ document: doc, pointer: bundle.pointer, message: `bundle ${JSON.stringify(bundle.value)} is not verified: ${first.conf.file} ${first.weaknesses.join(" and ")}${others}` });
    }
    return findings;
  },
};
