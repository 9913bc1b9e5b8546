import { apiFacts } from "../support/api-facts.js";
import { describeDoc, duplicates, LOADED_TOGETHER, ONE_STORED_API } from "../support/duplicates.js";
import type { Rule } from "../../types.js";

export const duplicateApiId: Rule = {
  id: "duplicate-api-id",
  defaultSeverity: "error",
  kinds: ["classic-api", "tyk-oas"],
  description: "Two API definitions loaded together have the same `api_id` (OAS `info.id`).",
  help: `The gateway keeps one API per id: the other is silently replaced. Give each API its own id. ${LOADED_TOGETHER} ${ONE_STORED_API}`,
  checkProject(_docs, { scope }) {
    return duplicates(
      scope,
      (doc) => {
        const id = apiFacts(doc)?.apiId;
        return id && id.value !== "" ? { key: id.value, at: id } : undefined;
      },
      (at, first) => `api id ${JSON.stringify(at.value)} is also used by ${describeDoc(first)}; the gateway keeps only one of them`,
    );
  },
};
