/**
 * GitHub Actions workflow commands: one `::error`/`::warning` annotation per problem. Data escapes
 * `%`, CR and LF; property values (file, title) also escape `:` and `,`.
 */
import type { Formatter } from "./types.js";

export function escapeData(value: string): string {
  return value.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

export const github: Formatter = (results) => {
  const lines: string[] = [];
  for (const result of results) {
    for (const m of result.messages) {
      const properties = [
        `file=${escapeProperty(result.filePath)}`,
        `line=${m.line}`,
        `col=${m.column}`,
        `endLine=${m.endLine}`,
        `endColumn=${m.endColumn}`,
        `title=${escapeProperty(`tyk-ts ${m.ruleId}`)}`,
      ].join(",");
      lines.push(`::${m.severity === 2 ? "error" : "warning"} ${properties}::${escapeData(m.message)}`);
    }
  }
  return lines.length ? `${lines.join("\n")}\n` : "";
};
