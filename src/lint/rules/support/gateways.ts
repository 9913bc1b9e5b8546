/**
 * The tyk.conf files that load an API (its deployments, read/deployments.ts), and one sentence for
 * what is wrong with them: an API two configs fail the same way is one finding naming both.
 */
import { gatewaysOf, type DeploymentScope } from "../../read/deployments.js";
import type { LintDocument } from "../../types.js";

/** "a", "a and b", "a, b and c". */
export function listOf(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/**
 * What is wrong in the configs that load `api` (as the gateway runs them, `settings`), grouped by problem: "`x` is off in a.conf and
 * b.conf; `y` is empty in c.conf". Undefined when no config that loads it has a problem.
 */
export function gatewayProblems(scope: DeploymentScope, api: LintDocument, problemOf: (settings: unknown) => string | undefined): string | undefined {
  const byProblem = new Map<string, string[]>();
  for (const gateway of gatewaysOf(scope, api)) {
    const problem = problemOf(gateway.settings);
    if (!problem) continue;
    const files = byProblem.get(problem);
    if (files) files.push(gateway.config.file);
    else byProblem.set(problem, [gateway.config.file]);
  }
  if (byProblem.size === 0) return undefined;
  return [...byProblem].map(([problem, files]) => `${problem} in ${listOf(files)}`).join("; ");
}
