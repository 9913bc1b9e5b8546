/** ESLint's default look: problems grouped per file, then a summary line. */
import type { Formatter } from "./types.js";

export const stylish: Formatter = (results, { color: c }) => {
  const lines: string[] = [];
  let errors = 0;
  let warnings = 0;
  for (const result of results) {
    if (result.messages.length === 0) continue;
    errors += result.errorCount;
    warnings += result.warningCount;
    lines.push("", c.underline(result.filePath));
    const rows = result.messages.map((m) => [`${m.line}:${m.column}`, m.severity === 2 ? "error" : "warning", m.message, m.ruleId] as const);
    const posWidth = Math.max(...rows.map((r) => r[0].length));
    for (const [pos, severity, message, ruleId] of rows) {
      const label = severity === "error" ? c.red("error  ") : c.yellow("warning");
      lines.push(`  ${c.dim(pos.padEnd(posWidth))}  ${label}  ${message}  ${c.dim(ruleId)}`);
    }
  }
  const total = errors + warnings;
  if (total === 0) return "";
  const summary = `✖ ${total} problem${total === 1 ? "" : "s"} (${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"})`;
  lines.push("", errors > 0 ? c.red.bold(summary) : c.yellow.bold(summary), "");
  return lines.join("\n");
};
