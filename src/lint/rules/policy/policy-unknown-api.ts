import { apiFacts } from "../support/api-facts.js";
import { childPointer, isObject } from "../../read/pointer.js";
import type { LintDocument, ProjectFinding, Rule } from "../../types.js";

export const policyUnknownApi: Rule = {
  id: "policy-unknown-api",
  defaultSeverity: "warning",
  kinds: ["policy"],
  description: "A policy grants access to an API id that none of the API definitions deployed with it has.",
  help: "Checked where policies and API definitions are loaded together: a tyk.conf's policy file or `policy_path` folder with its `app_path` folder, a tyk-sync folder, one file, or a deployment in tyk-ts.config.json. A key created from the policy gets no access to an API that does not exist; fix the id in `access_rights`, or lint the missing definition too.",
  checkProject(_docs, { scope }) {
    const findings: ProjectFinding[] = [];
    const reported = new Set<string>();
    const seen = new Map<LintDocument, number>();
    for (const deployment of scope.deployments) {
      if (deployment.apis.length === 0 || deployment.policies.length === 0) continue;
      const ids = new Set(deployment.apis.map((doc) => apiFacts(doc)?.apiId?.value).filter((id) => id));
      for (const doc of deployment.policies) {
        if (!isObject(doc.value) || !isObject(doc.value.access_rights)) continue;
        if (!seen.has(doc)) seen.set(doc, seen.size);
        for (const apiId of Object.keys(doc.value.access_rights)) {
          const key = `${seen.get(doc)}\u0000${apiId}`;
          if (ids.has(apiId) || reported.has(key)) continue;
          reported.add(key);
          findings.push({
            document: doc,
            pointer: childPointer("/access_rights", apiId),
            at: "key",
            message: `access_rights names API id ${JSON.stringify(apiId)}, which none of the API definitions deployed with it has (${deployment.label})`,
          });
        }
      }
    }
    return findings;
  },
};
