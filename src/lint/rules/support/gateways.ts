/**
 * The tyk.conf files that load an API (its deployments, read/deployments.ts), and one sentence for
 * what is wrong with them: an API two configs fail the same way is one finding naming both.
 */
import { gatewaysOf } from "../../read/deployments.js";
import { apiFacts, type ApiFacts, type Located } from "./api-facts.js";
import type { DeploymentScope, LintDocument, ProjectFinding } from "../../types.js";

/** "a", "a and b", "a, b and c". */
export function listOf(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/**
 * What is wrong in the configs that load `api` (as the gateway runs them, `settings`), grouped by problem: "`x` is off in a.conf and
 * b.conf; `y` is empty in c.conf". Undefined when no config that loads it has a problem.
 */
function gatewayProblems(scope: DeploymentScope, api: LintDocument, problemOf: (settings: unknown) => string | undefined): string | undefined {
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

/**
 * One finding per API whose loading gateways have a problem: at the value `at` picks from its
 * facts (APIs without one are skipped), with the problems named by `message`.
 */
export function apiGatewayFindings(
  docs: readonly LintDocument[],
  scope: DeploymentScope,
  at: (facts: ApiFacts) => Located<string> | undefined,
  problemOf: (settings: unknown) => string | undefined,
  message: (value: string, problems: string) => string,
): ProjectFinding[] {
  const findings: ProjectFinding[] = [];
  for (const doc of docs) {
    const facts = apiFacts(doc);
    const where = facts && at(facts);
    if (!where) continue;
    const problems = gatewayProblems(scope, doc, problemOf);
    if (problems) findings.push({ document: doc, pointer: where.pointer, message: message(where.value, problems) });
  }
  return findings;
}
