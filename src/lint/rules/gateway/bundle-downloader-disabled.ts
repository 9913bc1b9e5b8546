/** An API definition checked against the tyk.conf linted with it. */
import { apisWithGatewayConfigs } from "../support/api-facts.js";
import { valueAt } from "../../read/pointer.js";
import type { Rule } from "../../types.js";

export const bundleDownloaderDisabled: Rule = {
  id: "bundle-downloader-disabled",
  defaultSeverity: "error",
  kinds: ["classic-api", "tyk-oas"],
  description: "An API uses a plugin bundle but the linted tyk.conf has `enable_bundle_downloader` off or no `bundle_base_url`.",
  help: "Checked when a tyk.conf is linted with the APIs. The gateway fetches `custom_middleware_bundle` from `bundle_base_url` only when `enable_bundle_downloader` is true; otherwise the API fails to load its plugins.",
  checkProject(docs) {
    return apisWithGatewayConfigs(docs).flatMap(({ conf, api, facts }) => {
      const enabled = valueAt(conf.value, "/enable_bundle_downloader") === true;
      const baseUrl = valueAt(conf.value, "/bundle_base_url");
      const problem = !enabled ? "`enable_bundle_downloader` is off" : typeof baseUrl !== "string" || baseUrl === "" ? "`bundle_base_url` is empty" : undefined;
      const bundle = facts.bundle;
      if (!problem || !bundle) return [];
      return [{ document: api, pointer: bundle.pointer, message: `bundle ${JSON.stringify(bundle.value)} will not be downloaded: ${problem} in ${conf.file}` }];
    });
  },
};
