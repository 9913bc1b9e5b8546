import { apiFacts } from "../support/api-facts.js";
import { childPointer, isObject } from "../../read/pointer.js";
import type { ProjectFinding, Rule } from "../../types.js";

export const policyUnknownApi: Rule = {
  id: "policy-unknown-api",
  defaultSeverity: "warning",
  kinds: ["policy"],
  description: "A policy grants access to an API id that none of the linted API definitions has.",
  help: "Checked only when API definitions are linted together with the policies. A key created from the policy gets no access to an API that does not exist; fix the id in `access_rights`, or lint the missing definition too.",
  checkProject(docs) {
    const ids = new Set<string>();
    for (const doc of docs) {
      const id = apiFacts(doc)?.apiId?.value;
      if (id) ids.add(id);
    }
    if (ids.size === 0) return [];
    const findings: ProjectFinding[] = [];
    for (const doc of docs) {
      if (doc.kind !== "policy" || !isObject(doc.value) || !isObject(doc.value.access_rights)) continue;
      for (const apiId of Object.keys(doc.value.access_rights)) {
        if (ids.has(apiId)) continue;
        findings.push({
          document: doc,
          pointer: childPointer("/access_rights", apiId),
          at: "key",
          message: `access_rights names API id ${JSON.stringify(apiId)}, which none of the linted API definitions has`,
        });
      }
    }
    return findings;
  },
};
