/**
 * A policy file in the shape its gateway reads it. gateway/server.go `syncPolicies` reads
 * `policies.policy_path` with `LoadPoliciesFromDir` (gateway/policy.go: every `*.json` file of the
 * folder decoded as one `user.Policy`, kept under its `id`) and otherwise `policy_record_name` with
 * `LoadPoliciesFromFile` (one file decoded as `map[string]user.Policy`, nothing loaded when that
 * fails). Go's decoder fails on a value that is not an object where a policy is expected, and
 * ignores keys it does not know, which is what each message below says happens.
 */
import { pointerSegments, valueAt, childPointer, isObject } from "../../read/pointer.js";
import type { Deployment, LintDocument, ProjectFinding, Rule } from "../../types.js";

interface ShapeProblem {
  /** From the root of the file. */
  filePointer: string;
  at: "key" | "value";
  message: string;
}

/** Read as a map of policy id → policy: only `{"<id>": {…}, …}` loads what was written. */
function asMap(docs: readonly LintDocument[], reads: string): ShapeProblem | undefined {
  const doc = docs[0]!;
  const top = pointerSegments(doc.pointer);
  if (doc.wrapper === "policies-map" && top.length === 1) return undefined;
  if (top.length === 0 && isObject(doc.value)) {
    const scalar = Object.keys(doc.value).find((key) => !isObject((doc.value as Record<string, unknown>)[key]));
    if (scalar !== undefined) {
      return { filePointer: childPointer("", scalar), at: "key", message: `${reads} as a map of policy id → policy; this file is one policy, whose \`${scalar}\` is not a policy object, so the decoding fails and no policy loads. Write it as {"<policy id>": { … }}` };
    }
    return { filePointer: "", at: "value", message: `${reads} as a map of policy id → policy; this file is one policy, so each of its fields is loaded as a policy of its own. Write it as {"<policy id>": { … }}` };
  }
  if (doc.wrapper === "policies-map" && top.length === 2) {
    const wrapper = top[0]!;
    return { filePointer: childPointer("", wrapper), at: "key", message: `${reads} as a map of policy id → policy: \`${wrapper}\` is loaded as one empty policy with that id, and ${docs.length === 1 ? "the policy inside it is" : `the ${docs.length} policies inside it are`} ignored. Move ${docs.length === 1 ? "it" : "them"} to the top level` };
  }
  if (doc.wrapper === "list") {
    const listKey = top.length > 1 ? top[0]! : undefined;
    const where = listKey === undefined ? "the file is a list" : `\`${listKey}\` holds a list`;
    return { filePointer: listKey === undefined ? "" : childPointer("", listKey), at: listKey === undefined ? "value" : "key", message: `${reads} as a map of policy id → policy; ${where}, not a policy, so the decoding fails and no policy loads. Write {"<policy id>": { … }, …}` };
  }
  return undefined;
}

/** Read as one policy per file: a file holding several loads as one empty policy. */
function asOnePolicy(docs: readonly LintDocument[], reads: string): ShapeProblem | undefined {
  const doc = docs[0]!;
  if (doc.pointer === "") return undefined;
  if (doc.wrapper !== "policies-map" && doc.wrapper !== "list") return undefined;
  const listOnly = doc.wrapper === "list" && pointerSegments(doc.pointer).length === 1;
  const consequence = listOnly ? "the decoding fails" : "their keys are not policy fields";
  return { filePointer: "", at: "value", message: `${reads} as one policy; this file holds ${docs.length} polic${docs.length === 1 ? "y" : "ies"} and ${consequence}: one empty policy loads. Put each policy in a file of its own, with its \`id\`` };
}

export const policiesFileShape: Rule = {
  id: "policies-file-shape",
  defaultSeverity: "error",
  kinds: ["policy"],
  description: "A policy file is not in the shape the tyk.conf that reads it expects: a map of id → policy for `policy_record_name`, one policy per file for `policy_path`.",
  help: "Checked for the files a tyk.conf reads its policies from (`policies.policy_source` neither `service` nor `rpc`). With `policy_path` the gateway reads every `*.json` file of that folder as one policy, kept under its `id` (gateway/policy.go `LoadPoliciesFromDir`); otherwise it reads `policy_record_name` as one map of policy id → policy (`LoadPoliciesFromFile`). A single policy where the map is read, or a map wrapped in `{\"policies\": …}` or `{\"Data\": […]}`, loads no policy or one empty one, and keys created from the policies you wrote are refused.",
  checkProject(docs, { scope }) {
    if (!scope.deployments.some((d) => d.policyShape)) return [];
    const byFile = new Map<string, LintDocument[]>();
    for (const doc of docs) {
      if (doc.kind !== "policy") continue;
      const list = byFile.get(doc.absolutePath);
      if (list) list.push(doc);
      else byFile.set(doc.absolutePath, [doc]);
    }
    const findings: ProjectFinding[] = [];
    const checked = new Set<string>();
    for (const deployment of scope.deployments) {
      if (!deployment.policyShape || !deployment.gateway) continue;
      for (const file of deployment.policyFiles) {
        const inFile = byFile.get(file);
        if (!inFile || checked.has(file)) continue;
        checked.add(file);
        const problem = shapeProblem(deployment, inFile);
        if (problem) findings.push({ document: inFile[0]!, pointer: "", filePointer: problem.filePointer, at: problem.at, message: problem.message });
      }
    }
    return findings;
  },
};

function shapeProblem(deployment: Deployment, inFile: readonly LintDocument[]): ShapeProblem | undefined {
  const setting = deployment.policySetting!;
  const value = valueAt(deployment.settings, `/${setting.replace(".", "/")}`);
  const reads = `\`${setting}\`${typeof value === "string" ? ` ${JSON.stringify(value)}` : ""} in ${deployment.gateway!.file} makes the gateway read this file`;
  return deployment.policyShape === "map" ? asMap(inFile, reads) : asOnePolicy(inFile, reads);
}
