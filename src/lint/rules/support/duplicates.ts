/** Uniqueness within what is loaded together: what duplicate-api-id and duplicate-listen-path share. */
import { isObject } from "../../read/pointer.js";
import type { Located } from "./api-facts.js";
import type { DeploymentScope, LintDocument, ProjectFinding } from "../../types.js";

export function describeDoc(doc: LintDocument): string {
  return doc.pointer ? `${doc.file} (${doc.pointer})` : doc.file;
}

/**
 * Within each deployment of the scope, reports every occurrence after the first of each key,
 * naming the first. A document two deployments share is reported once.
 */
export function duplicates(scope: DeploymentScope, keyOf: (doc: LintDocument) => { key: string; at: Located<string> } | undefined, message: (at: Located<string>, first: LintDocument) => string): ProjectFinding[] {
  const findings: ProjectFinding[] = [];
  const reported = new Set<LintDocument>();
  for (const deployment of scope.deployments) {
    const byKey = new Map<string, LintDocument[]>();
    for (const doc of deployment.apis) {
      const entry = keyOf(doc);
      if (!entry) continue;
      const earlier = byKey.get(entry.key);
      if (!earlier) {
        byKey.set(entry.key, [doc]);
        continue;
      }
      // The other file of an API already seen is that API, and a resource applied again replaces itself.
      const same = earlier.some((other) => oneStoredApi(other, doc) || oneResource(other, doc));
      if (!same && !reported.has(doc)) {
        reported.add(doc);
        findings.push({ document: doc, pointer: entry.at.pointer, message: message(entry.at, earlier[0]!) });
      }
      earlier.push(doc);
    }
  }
  return findings;
}

/**
 * The gateway keeps a Tyk OAS API in `app_path` as two files, `<name>.json` (the Classic form, with
 * `is_oas: true`) and `<name>-oas.json` (or `-mcp.json` for MCP servers), and loads them as one API.
 */
function oneStoredApi(a: LintDocument, b: LintDocument): boolean {
  const [classic, oas] = a.kind === "classic-api" ? [a, b] : [b, a];
  if (classic.kind !== "classic-api" || oas.kind !== "tyk-oas" || !isObject(classic.value) || classic.value.is_oas !== true) return false;
  const name = classic.absolutePath.replace(/\.json$/i, "");
  return oas.absolutePath === `${name}-oas.json` || oas.absolutePath === `${name}-mcp.json`;
}

/** Kubernetes resources with the same kind, namespace and name are one object: applying the second replaces the first. */
function oneResource(a: LintDocument, b: LintDocument): boolean {
  const [x, y] = [a.resource, b.resource];
  return x !== undefined && y !== undefined && x.name !== undefined && x.kind === y.kind && x.name === y.name && x.namespace === y.namespace;
}

export const ONE_STORED_API = "The two files the gateway writes for one Tyk OAS API (`<name>.json` with `is_oas: true` and `<name>-oas.json`) count as one API, and Tyk Operator resources with the same kind, namespace and name are one object.";

/** What both rules' help says about which definitions are compared. */
export const LOADED_TOGETHER = "Only definitions loaded together are compared: the `app_path` folder of a tyk.conf (the `*.json` files directly in it, gateway/api_definition.go `APIDefinitionLoader.FromDir`; not when it loads from the Dashboard or MDCB, gateway/server.go `syncAPISpecs`), one file (a Dashboard export, a multi-document YAML), a tyk-sync folder, one Operator namespace, or a deployment in tyk-ts.config.json; the same API kept in dev/, stg/ and prod/ folders is not a duplicate.";
