/**
 * The lint gate: whether a run's results fail it (exit code 1) or pass (0). The CLI's `--quiet`,
 * `--max-warnings` and `--fail-severity` are these options; library users get the same verdict.
 */
import { EXIT_FINDINGS, EXIT_OK } from "../errors.js";
import type { LintResult, Severity } from "./types.js";

export interface GateOptions {
  /** The lowest severity that fails the gate (default `error`). */
  failSeverity?: Severity;
  /** Fail when there are more warnings than this. */
  maxWarnings?: number;
  /** Warnings are not reported, so they count for nothing. */
  quiet?: boolean;
}

export interface GateVerdict {
  exitCode: typeof EXIT_OK | typeof EXIT_FINDINGS;
  errors: number;
  /** Warnings counted (0 when quiet). */
  warnings: number;
  /** The gate failed only because the warnings exceed `maxWarnings`. */
  tooManyWarnings: boolean;
}

export function lintGate(results: readonly LintResult[], options: GateOptions = {}): GateVerdict {
  const errors = results.reduce((n, r) => n + r.errorCount, 0);
  const warnings = options.quiet ? 0 : results.reduce((n, r) => n + r.warningCount, 0);
  if (errors > 0 || (options.failSeverity === "warning" && warnings > 0)) return { exitCode: EXIT_FINDINGS, errors, warnings, tooManyWarnings: false };
  const tooManyWarnings = options.maxWarnings !== undefined && warnings > options.maxWarnings;
  return { exitCode: tooManyWarnings ? EXIT_FINDINGS : EXIT_OK, errors, warnings, tooManyWarnings };
}

/** 1 when the results fail the gate, else 0. */
export function exitCodeFor(results: readonly LintResult[], options: GateOptions = {}): typeof EXIT_OK | typeof EXIT_FINDINGS {
  return lintGate(results, options).exitCode;
}

/** The results as `quiet` reports them: errors only. */
export function errorsOnly(results: readonly LintResult[]): LintResult[] {
  return results.map((result) => ({ ...result, messages: result.messages.filter((m) => m.severity === 2), warningCount: 0 }));
}
