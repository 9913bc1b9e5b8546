import { isObject } from "../pointer.js";
import { apiFacts, isKvReference, type Located } from "./api-facts.js";
import type { LintDocument, ProjectFinding, Rule } from "../types.js";

function describeDoc(doc: LintDocument): string {
  return doc.pointer ? `${doc.file} (${doc.pointer})` : doc.file;
}

/** Reports every occurrence after the first of each key, naming the first. */
function duplicates(docs: readonly LintDocument[], keyOf: (doc: LintDocument) => { key: string; at: Located<string> } | undefined, message: (at: Located<string>, first: LintDocument) => string): ProjectFinding[] {
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

const ONE_STORED_API = "The two files the gateway writes for one Tyk OAS API (`<name>.json` with `is_oas: true` and `<name>-oas.json`) count as one API.";

export const duplicateApiId: Rule = {
  id: "duplicate-api-id",
  defaultSeverity: "error",
  kinds: ["classic-api", "tyk-oas"],
  description: "Two linted API definitions have the same `api_id` (OAS `info.id`).",
  help: `The gateway keeps one API per id: the other is silently replaced. Give each API its own id. ${ONE_STORED_API}`,
  checkProject(docs) {
    return duplicates(
      docs,
      (doc) => {
        const id = apiFacts(doc)?.apiId;
        return id && id.value !== "" ? { key: id.value, at: id } : undefined;
      },
      (at, first) => `api id ${JSON.stringify(at.value)} is also used by ${describeDoc(first)}; the gateway keeps only one of them`,
    );
  },
};

/** "/a" and "/a/" route the same requests. */
function normalisePath(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

export const duplicateListenPath: Rule = {
  id: "duplicate-listen-path",
  defaultSeverity: "error",
  kinds: ["classic-api", "tyk-oas"],
  description: "Two active linted APIs listen on the same path (on the same domain and port).",
  help: `Only one API receives requests for a listen path on a domain; the other never sees traffic. Change one listen path, or give the APIs different custom domains. ${ONE_STORED_API}`,
  checkProject(docs) {
    return duplicates(
      docs,
      (doc) => {
        const facts = apiFacts(doc);
        const lp = facts?.listenPath;
        if (!facts || !lp || lp.value === "" || !facts.active || isKvReference(lp.value) || facts.protocol === "tcp" || facts.protocol === "tls") return undefined;
        return { key: `${facts.domain.toLowerCase()}\u0000${facts.listenPort}\u0000${normalisePath(lp.value)}`, at: lp };
      },
      (at, first) => {
        const domain = apiFacts(first)?.domain;
        return `listen path ${JSON.stringify(at.value)} is already used by ${describeDoc(first)}${domain ? ` on domain ${domain}` : ""}; only one of the APIs will receive requests`;
      },
    );
  },
};
