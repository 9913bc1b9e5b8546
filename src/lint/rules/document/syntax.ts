import type { RuleMeta } from "../../types.js";

/** Reported while reading a file (src/lint/read/source.ts finds the errors). */
export const syntax = {
  id: "syntax",
  defaultSeverity: "error",
  description: "The file is not valid JSON or YAML.",
  help: "The gateway cannot read the file at all. Fix the syntax at the position shown (comments and trailing commas are not allowed in JSON).",
} as const satisfies RuleMeta;
