/** Cross-file uniqueness: what duplicate-api-id and duplicate-listen-path share. */
import { isObject } from "../../read/pointer.js";
import type { Located } from "./api-facts.js";
import type { LintDocument, ProjectFinding } from "../../types.js";

export function describeDoc(doc: LintDocument): string {
  return doc.pointer ? `${doc.file} (${doc.pointer})` : doc.file;
}

/** Reports every occurrence after the first of each key, naming the first. */
export function duplicates(docs: readonly LintDocument[], keyOf: (doc: LintDocument) => { key: string; at: Located<string> } | undefined, message: (at: Located<string>, first: LintDocument) => string): ProjectFinding[] {
  const byKey = new Map<string, LintDocument[]>();
  const findings: ProjectFinding[] = [];
  for (const doc of docs) {
    const entry = keyOf(doc);
    if (!entry) continue;
    const earlier = byKey.get(entry.key);
    if (!earlier) {
      byKey.set(entry.key, [doc]);
      continue;
    }
    // The other file of an API already seen is that API, not another one.
    if (!earlier.some((other) => oneStoredApi(other, doc))) findings.push({ document: doc, pointer: entry.at.pointer, message: message(entry.at, earlier[0]!) });
    earlier.push(doc);
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

export const ONE_STORED_API = "The two files the gateway writes for one Tyk OAS API (`<name>.json` with `is_oas: true` and `<name>-oas.json`) count as one API.";

