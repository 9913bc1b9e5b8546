/**
 * GitLab Code Quality report. Fingerprints identify a problem across runs: file, rule, JSON
 * pointer and message, not the line, so editing other parts of a file does not turn old problems
 * into new ones.
 */
import { createHash } from "node:crypto";
import type { Formatter } from "./types.js";

export const gitlab: Formatter = (results) => {
  const seen = new Map<string, number>();
  const issues = results.flatMap((result) =>
    result.messages.map((m) => {
      const identity = [result.filePath, m.ruleId, m.pointer, m.message].join("\u0000");
      // The same problem twice at one pointer still needs two distinct fingerprints.
      const occurrence = seen.get(identity) ?? 0;
      seen.set(identity, occurrence + 1);
      return {
        type: "issue",
        check_name: m.ruleId,
        description: m.message,
        categories: ["Bug Risk"],
        severity: m.severity === 2 ? "major" : "minor",
        fingerprint: createHash("sha256").update(`${identity}\u0000${occurrence}`).digest("hex"),
        location: { path: result.filePath, lines: { begin: m.line, end: m.endLine } },
      };
    }),
  );
  return `${JSON.stringify(issues, null, 2)}\n`;
};
