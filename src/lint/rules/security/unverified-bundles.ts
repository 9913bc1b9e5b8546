import { valueAt } from "../../read/pointer.js";
import { apiGatewayFindings } from "../support/gateways.js";
import { API_KINDS, OWASP, type SecurityRule } from "../support/security.js";

/** What in a tyk.conf lets a tampered or unsigned bundle load; empty when bundles are verified. */
function bundleWeaknesses(settings: unknown): string[] {
  const weaknesses: string[] = [];
  const publicKey = valueAt(settings, "/public_key_path");
  if (typeof publicKey !== "string" || publicKey.trim() === "") weaknesses.push("no `public_key_path` (unsigned bundles load)");
  if (valueAt(settings, "/bundle_insecure_skip_verify") === true) weaknesses.push("`bundle_insecure_skip_verify` on (the bundle server's certificate is not checked)");
  if (valueAt(settings, "/skip_verify_existing_plugin_bundle") === true) weaknesses.push("`skip_verify_existing_plugin_bundle` on (bundles already on disk are not re-verified)");
  return weaknesses;
}

export const unverifiedBundles: SecurityRule = {
  id: "security/unverified-bundles",
  defaultSeverity: "warning",
  kinds: API_KINDS,
  owasp: OWASP.securityMisconfiguration,
  description: "An API loads a plugin bundle while the tyk.conf that loads it does not verify bundles (no `public_key_path`, or `bundle_insecure_skip_verify` on).",
  help: "Checked against the tyk.conf files whose `app_path` holds the API (or a deployment in tyk-ts.config.json). Bundles are code the gateway runs with access to every request. Without `public_key_path` the gateway accepts unsigned bundles, and with `bundle_insecure_skip_verify` it downloads them from a server whose identity it does not check: whoever can write to the bundle server or intercept the download runs code inside the gateway.",
  fix: "Sign bundles (`tyk-ts bundle build --key private.pem`), set `public_key_path` in tyk.conf to the matching public key, and keep `bundle_insecure_skip_verify` and `skip_verify_existing_plugin_bundle` off.",
  checkProject(docs, { scope }) {
    const problemOf = (settings: unknown) => bundleWeaknesses(settings).join(" and ") || undefined;
    return apiGatewayFindings(docs, scope, (facts) => facts.bundle, problemOf, (bundle, problems) => `bundle ${JSON.stringify(bundle)} is not verified: ${problems}`);
  },
};
