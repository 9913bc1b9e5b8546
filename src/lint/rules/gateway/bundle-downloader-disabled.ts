/** An API definition checked against the tyk.conf linted with it. */
import { apiFacts } from "../support/api-facts.js";
import { valueAt } from "../../read/pointer.js";
import type { ProjectFinding, Rule } from "../../types.js";

export const bundleDownloaderDisabled: Rule = {
  id: "bundle-downloader-disabled",
  defaultSeverity: "error",
  kinds: ["classic-api", "tyk-oas"],
  description: "An API uses a plugin bundle but the linted tyk.conf has `enable_bundle_downloader` off or no `bundle_base_url`.",
  help: "Checked when a tyk.conf is linted with the APIs. The gateway fetches `custom_middleware_bundle` from `bundle_base_url` only when `enable_bundle_downloader` is true; otherwise the API fails to load its plugins.",
  checkProject(docs) {
    const findings: ProjectFinding[] = [];
    for (const conf of docs.filter((d) => d.kind === "tyk-conf")) {
      const enabled = valueAt(conf.value, "/enable_bundle_downloader") === true;
      const baseUrl = valueAt(conf.value, "/bundle_base_url");
      const problem = !enabled ? "`enable_bundle_downloader` is off" : typeof baseUrl !== "string" || baseUrl === "" ? "`bundle_base_url` is empty" : undefined;
      if (!problem) continue;
      for (const doc of docs) {
        const bundle = apiFacts(doc)?.bundle;
        if (!bundle) continue;
        findings.push({ document: doc, pointer: bundle.pointer, message: `bundle ${JSON.stringify(bundle.value)} will not be downloaded: ${problem} in ${conf.file}` });
      }
    }
    return findings;
  },
};
