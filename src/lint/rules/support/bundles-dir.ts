/**
 * `--bundles <dir>`: every bundle the linted APIs use must be in that directory and pass
 * `bundle verify` (checked with the public key of a linted tyk.conf, when it names one that exists).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { KeyObject } from "node:crypto";
import { isObject } from "../../read/pointer.js";
import { apiFacts } from "./api-facts.js";
import { bundleNames } from "./bundle-names.js";
import type { LintDocument } from "../../types.js";
import type { BundleReport } from "../../../bundle/verify.js";

export interface BundleFinding {
  document: LintDocument;
  ruleId: "bundle-missing" | "bundle-refused" | "bundle-warning";
  pointer: string;
  message: string;
}

export async function checkBundles(docs: readonly LintDocument[], bundlesDir: string): Promise<BundleFinding[]> {
  const uses = docs.flatMap((document) => {
    const bundle = apiFacts(document)?.bundle;
    return bundle ? bundleNames(bundle.value).map((name) => ({ document, pointer: bundle.pointer, name })) : [];
  });
  if (uses.length === 0) return [];

  const { verifyBundle } = await import("../../../bundle/verify.js");
  const publicKey = await gatewayPublicKey(docs);
  const reports = new Map<string, Promise<BundleReport>>();
  const findings: BundleFinding[] = [];
  for (const { document, pointer, name } of uses) {
    const file = path.resolve(bundlesDir, name);
    if (!existsSync(file)) {
      findings.push({ document, ruleId: "bundle-missing", pointer, message: `bundle ${JSON.stringify(name)} is not in ${bundlesDir}` });
      continue;
    }
    if (!reports.has(file)) reports.set(file, verifyBundle(file, { publicKey }));
    const report = await reports.get(file)!;
    const refusal = report.problems.find((p) => p.severity === "error");
    if (!report.accepted) {
      findings.push({
        document,
        ruleId: "bundle-refused",
        pointer,
        message: `bundle ${JSON.stringify(name)} would be refused by the gateway: ${refusal?.message ?? "bundle verify failed"}`,
      });
      continue;
    }
    for (const p of report.problems) {
      if (p.severity === "warning") findings.push({ document, ruleId: "bundle-warning", pointer, message: `bundle ${JSON.stringify(name)}: ${p.message}` });
    }
  }
  return findings;
}

/** The key the gateway checks signatures with: `public_key_path` of a linted tyk.conf, if the file is there. */
async function gatewayPublicKey(docs: readonly LintDocument[]): Promise<KeyObject | undefined> {
  for (const doc of docs) {
    if (doc.kind !== "tyk-conf" || !isObject(doc.value)) continue;
    const keyPath = doc.value.public_key_path;
    if (typeof keyPath !== "string" || keyPath === "") continue;
    const file = path.resolve(path.dirname(doc.absolutePath), keyPath);
    if (!existsSync(file)) continue;
    const { loadPublicKey } = await import("../../../bundle/keys.js");
    return loadPublicKey(file);
  }
  return undefined;
}
