import type { RuleMeta } from "../../types.js";

/** Reported by the engine for a file named on the command line that holds no Tyk document. */
export const unknownKind = {
  id: "unknown-kind",
  defaultSeverity: "warning",
  description: "A file named on the command line is not a Tyk document lint recognises.",
  help: "Lint recognises tyk.conf, Tyk Classic and Tyk OAS API definitions, policies, bundle manifests, Dashboard exports and Tyk Operator resources from their content. Pass --kind to lint the file as one of them.",
} as const satisfies RuleMeta;

/** The finding, at the start of the file. */
export const UNKNOWN_KIND_MESSAGE = "not recognised as a Tyk document (tyk.conf, API definition, policy or bundle manifest); pass --kind to lint it as one";
