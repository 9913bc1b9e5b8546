/**
 * SARIF 2.1.0, as GitHub code scanning reads it: one rule entry per rule with its description and
 * help, results with relative file URIs and 1-based regions (columns in UTF-16 code units).
 */
import { pathToFileURL } from "node:url";
import path from "node:path";
import type { RuleMeta } from "../types.js";
import type { Formatter } from "./types.js";

export const sarif: Formatter = (results, { rules, cwd, toolVersion }) => {
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const sarifResults = results.flatMap((result) =>
    result.messages.map((m) => ({
      ruleId: m.ruleId,
      ...(ruleIndex.has(m.ruleId) ? { ruleIndex: ruleIndex.get(m.ruleId) } : {}),
      level: m.severity === 2 ? "error" : "warning",
      message: { text: m.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: artifactLocation(result.filePath),
            region: { startLine: m.line, startColumn: m.column, endLine: m.endLine, endColumn: m.endColumn },
          },
          ...(m.pointer ? { logicalLocations: [{ fullyQualifiedName: m.pointer, kind: "member" }] } : {}),
        },
      ],
    })),
  );
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "tyk-ts",
            version: toolVersion,
            rules: rules.map((r) => ({
              id: r.id,
              shortDescription: { text: r.description },
              fullDescription: { text: r.description },
              help: helpOf(r),
              defaultConfiguration: { level: r.defaultSeverity === "off" ? "none" : r.defaultSeverity },
              // GitHub code scanning files rules tagged "security" under security alerts.
              ...(r.owasp ? { properties: { tags: ["security", r.owasp] } } : {}),
            })),
          },
        },
        originalUriBaseIds: { "%SRCROOT%": { uri: pathToFileURL(cwd + path.sep).href } },
        results: sarifResults,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
};

/** Why the rule exists, then how to fix a finding and the OWASP API Security category it guards. */
function helpOf(rule: RuleMeta): { text: string; markdown: string } {
  const why = rule.help ?? rule.description;
  const text = [why, rule.fix && `Fix: ${rule.fix}`, rule.owasp && `OWASP API Security Top 10: ${rule.owasp}`].filter(Boolean).join("\n\n");
  const markdown = [why, rule.fix && `**Fix:** ${rule.fix}`, rule.owasp && `**OWASP API Security Top 10:** ${rule.owasp}`].filter(Boolean).join("\n\n");
  return { text, markdown };
}

/** Relative paths stay relative to the source root (what code scanning expects); others become file URIs. */
function artifactLocation(filePath: string): { uri: string; uriBaseId?: string } {
  if (path.isAbsolute(filePath)) return { uri: pathToFileURL(filePath).href };
  return { uri: filePath.split("/").map(encodeURIComponent).join("/"), uriBaseId: "%SRCROOT%" };
}
