/**
 * Findings as results: each waits for its position and severity until the file's findings are all
 * in, then becomes a message of the file's result (the `--format json` shape).
 */
import type { Anchor, Range, SourceDocument } from "./read/source.js";
import type { RuleSet } from "./rule-set.js";
import type { Kind, LintMessage, LintResult } from "./types.js";

/** A finding waiting for its position and severity. */
export interface PendingMessage {
  ruleId: string;
  message: string;
  /** Where to find the position; a syntax error carries its range instead. */
  source?: SourceDocument;
  pointer: string;
  anchor: Anchor;
  range?: Range;
}

export interface FileState {
  displayPath: string;
  kinds: Set<Kind | "mixed">;
  pending: PendingMessage[];
}

const START: Range = { line: 1, column: 1, endLine: 1, endColumn: 1 };

/** Positions now, while the file's text is fresh in the processor's cache (not for rules that are off). */
export function locatePending(state: FileState, run: RuleSet): void {
  for (const p of state.pending) {
    if (p.range || !p.source || run.isOff(p.ruleId)) continue;
    p.range = p.source.locate(p.pointer, p.anchor);
  }
}

export function toResult(state: FileState, run: RuleSet): LintResult {
  const messages: LintMessage[] = [];
  let errorCount = 0;
  // One finding at one place once: a YAML anchor merged into several compose services is one line.
  const seen = state.pending.length > 1 ? new Set<string>() : undefined;
  for (const p of state.pending) {
    const meta = run.metas.get(p.ruleId);
    const severity = meta ? run.severity(meta) : "error";
    if (severity === "off") continue;
    const range = p.range ?? p.source?.locate(p.pointer, p.anchor) ?? START;
    if (seen) {
      const key = `${p.ruleId}\u0000${range.line}:${range.column}-${range.endLine}:${range.endColumn}\u0000${p.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    if (severity === "error") errorCount++;
    messages.push({ ruleId: p.ruleId, severity: severity === "error" ? 2 : 1, message: p.message, line: range.line, column: range.column, endLine: range.endLine, endColumn: range.endColumn, pointer: p.pointer });
  }
  messages.sort((a, b) => a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId));
  const kinds = [...state.kinds];
  return {
    filePath: state.displayPath,
    kind: kinds.length === 0 ? null : kinds.length === 1 ? kinds[0]! : "mixed",
    errorCount,
    warningCount: messages.length - errorCount,
    messages,
  };
}
