/** An API definition checked against the tyk.conf files that load it. */
import { apiGatewayFindings } from "../support/gateways.js";
import { valueAt } from "../../read/pointer.js";
import type { Rule } from "../../types.js";

function downloaderProblem(settings: unknown): string | undefined {
  if (valueAt(settings, "/enable_bundle_downloader") !== true) return "`enable_bundle_downloader` is off";
  const baseUrl = valueAt(settings, "/bundle_base_url");
  return typeof baseUrl !== "string" || baseUrl === "" ? "`bundle_base_url` is empty" : undefined;
}

export const bundleDownloaderDisabled: Rule = {
  id: "bundle-downloader-disabled",
  defaultSeverity: "error",
  kinds: ["classic-api", "tyk-oas"],
  description: "An API uses a plugin bundle but the tyk.conf that loads it has `enable_bundle_downloader` off or no `bundle_base_url`.",
  help: "Checked against the tyk.conf files whose `app_path` holds the API (or a deployment in tyk-ts.config.json). The gateway skips the bundle when `bundle_base_url` is empty, and fetches it from there only when `enable_bundle_downloader` is true (gateway/coprocess_bundle.go `loadBundle`, `FetchBundle`); otherwise the API fails to load its plugins.",
  checkProject(docs, { scope }) {
    return apiGatewayFindings(docs, scope, (facts) => facts.bundle, downloaderProblem, (bundle, problems) => `bundle ${JSON.stringify(bundle)} will not be downloaded: ${problems}`);
  },
};
