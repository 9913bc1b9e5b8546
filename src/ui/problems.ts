/** Prints warnings and errors about a bundle or manifest on stderr, coloured by severity. */
import type { Problem } from "../problem.js";
import { stderrColor } from "./color.js";

export function formatProblem(p: Problem, color = stderrColor): string {
  const label = p.severity === "error" ? color.red("error") : p.severity === "warning" ? color.yellow("warning") : color.cyan("note");
  return `${label} ${p.message} ${color.dim(`[${p.code}]`)}`;
}

export function printProblems(problems: Problem[]): void {
  for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
}
