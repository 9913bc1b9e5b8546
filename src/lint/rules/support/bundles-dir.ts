/**
 * `--bundles <dir>`: every bundle the linted APIs use must be in that directory and pass
 * `bundle verify`, checked with the `public_key_path` of each tyk.conf that loads the API (when
 * that file exists here), as that gateway would.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { KeyObject } from "node:crypto";
import { isObject } from "../../read/pointer.js";
import { apiFacts } from "./api-facts.js";
import { bundleNames } from "./bundle-names.js";
import { gatewaysOf } from "../../read/deployments.js";
import type { DeploymentScope, Gateway, LintDocument } from "../../types.js";
import type { BundleReport } from "../../../bundle/verify.js";

export interface BundleFinding {
  document: LintDocument;
  ruleId: "bundle-missing" | "bundle-refused" | "bundle-warning";
  pointer: string;
  message: string;
}

export async function checkBundles(docs: readonly LintDocument[], bundlesDir: string, scope: DeploymentScope): Promise<BundleFinding[]> {
  const uses = docs.flatMap((document) => {
    const bundle = apiFacts(document)?.bundle;
    return bundle ? bundleNames(bundle.value).map((name) => ({ document, pointer: bundle.pointer, name })) : [];
  });
  if (uses.length === 0) return [];

  const { verifyBundle } = await import("../../../bundle/verify.js");
  const reports = new Map<string, Promise<BundleReport>>();
  const findings: BundleFinding[] = [];
  for (const { document, pointer, name } of uses) {
    const file = path.resolve(bundlesDir, name);
    if (!existsSync(file)) {
      findings.push({ document, ruleId: "bundle-missing", pointer, message: `bundle ${JSON.stringify(name)} is not in ${bundlesDir}` });
      continue;
    }
    const keys = gatewaysOf(scope, document).map(publicKeyFile).filter((key): key is string => key !== undefined);
    for (const keyFile of keys.length > 0 ? [...new Set(keys)] : [undefined]) {
      const cacheKey = `${file}\u0000${keyFile ?? ""}`;
      if (!reports.has(cacheKey)) reports.set(cacheKey, keyFile ? loadKey(keyFile).then((publicKey) => verifyBundle(file, { publicKey })) : verifyBundle(file, {}));
      const report = await reports.get(cacheKey)!;
      const refusal = report.problems.find((p) => p.severity === "error");
      const withKey = keys.length > 1 && keyFile ? ` with ${keyFile}` : "";
      if (report.verdict === "refused") {
        findings.push({
          document,
          ruleId: "bundle-refused",
          pointer,
          message: `bundle ${JSON.stringify(name)} would be refused by the gateway${withKey}: ${refusal?.message ?? "bundle verify failed"}`,
        });
        continue;
      }
      for (const p of report.problems) {
        if (p.severity === "warning") findings.push({ document, ruleId: "bundle-warning", pointer, message: `bundle ${JSON.stringify(name)}: ${p.message}` });
      }
    }
  }
  return findings;
}

/** The key file a gateway checks signatures with: `public_key_path` next to its tyk.conf, if the file is there. */
function publicKeyFile(gateway: Gateway): string | undefined {
  const keyPath = isObject(gateway.settings) ? gateway.settings.public_key_path : undefined;
  if (typeof keyPath !== "string" || keyPath === "") return undefined;
  const file = path.resolve(path.dirname(gateway.config.absolutePath), keyPath);
  return existsSync(file) ? file : undefined;
}

async function loadKey(file: string): Promise<KeyObject> {
  const { loadPublicKey } = await import("../../../bundle/keys.js");
  return loadPublicKey(file);
}
