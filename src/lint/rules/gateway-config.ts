/** Checks of API definitions against the tyk.conf linted with them. */
import { existsSync } from "node:fs";
import path from "node:path";
import { apiFacts } from "./api-facts.js";
import { valueAt } from "../pointer.js";
import type { LintDocument, ProjectFinding, Rule } from "../types.js";

const COPROCESS_DRIVERS = ["python", "lua", "grpc"];

function gatewayConfigs(docs: readonly LintDocument[]): LintDocument[] {
  return docs.filter((d) => d.kind === "tyk-conf");
}

export const bundleDownloaderDisabled: Rule = {
  id: "bundle-downloader-disabled",
  defaultSeverity: "error",
  kinds: ["classic-api", "tyk-oas"],
  description: "An API uses a plugin bundle but the linted tyk.conf has `enable_bundle_downloader` off or no `bundle_base_url`.",
  help: "Checked when a tyk.conf is linted with the APIs. The gateway fetches `custom_middleware_bundle` from `bundle_base_url` only when `enable_bundle_downloader` is true; otherwise the API fails to load its plugins.",
  checkProject(docs) {
    const findings: ProjectFinding[] = [];
    for (const conf of gatewayConfigs(docs)) {
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

export const coprocessDisabled: Rule = {
  id: "coprocess-disabled",
  defaultSeverity: "error",
  kinds: ["classic-api", "tyk-oas"],
  description: "An API uses python, lua or grpc plugins but the linted tyk.conf has `coprocess_options.enable_coprocess` off.",
  help: "Checked when a tyk.conf is linted with the APIs. Python, Lua and gRPC plugins run only when `coprocess_options.enable_coprocess` is true; otherwise their hooks never run.",
  checkProject(docs) {
    const findings: ProjectFinding[] = [];
    for (const conf of gatewayConfigs(docs)) {
      if (valueAt(conf.value, "/coprocess_options/enable_coprocess") === true) continue;
      for (const doc of docs) {
        const facts = apiFacts(doc);
        const driver = facts?.driver;
        if (!facts || !driver || !COPROCESS_DRIVERS.includes(driver.value)) continue;
        if (!facts.hasInlineHooks && !facts.bundle) continue;
        findings.push({
          document: doc,
          pointer: driver.pointer,
          message: `${driver.value} plugins will not run: \`coprocess_options.enable_coprocess\` is off in ${conf.file}`,
        });
      }
    }
    return findings;
  },
};

export const publicKeyMissing: Rule = {
  id: "public-key-missing",
  defaultSeverity: "warning",
  kinds: ["tyk-conf"],
  description: "`public_key_path` in tyk.conf names a file that does not exist.",
  help: "With `public_key_path` set the gateway verifies every bundle's signature with that key; if the file is missing, no bundle loads. Relative paths are looked up next to the tyk.conf and in the current directory; a path that only exists inside a container cannot be checked here (set this rule to off in that case).",
  check(doc, ctx) {
    const keyPath = valueAt(doc.value, "/public_key_path");
    if (typeof keyPath !== "string" || keyPath === "") return [];
    const candidates = path.isAbsolute(keyPath) ? [keyPath] : [path.resolve(path.dirname(doc.absolutePath), keyPath), path.resolve(ctx.cwd, keyPath)];
    if (candidates.some((c) => existsSync(c))) return [];
    const where = path.isAbsolute(keyPath) ? "" : ` (looked for ${[...new Set(candidates)].join(" and ")})`;
    return [{ pointer: "/public_key_path", message: `public key ${JSON.stringify(keyPath)} does not exist${where}; the gateway will refuse every bundle` }];
  },
};
