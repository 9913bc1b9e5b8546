import type { ChalkInstance } from "chalk";
import type { LintResult, RuleMeta } from "../types.js";

export interface FormatContext {
  /** Every rule of the run, for formats that describe rules (SARIF). */
  rules: readonly RuleMeta[];
  /** The directory file paths are relative to. */
  cwd: string;
  toolVersion: string;
  /** Colours for human formats; plain text for files and pipes. */
  color: ChalkInstance;
}

export type Formatter = (results: readonly LintResult[], context: FormatContext) => string;
