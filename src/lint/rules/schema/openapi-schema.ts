import type { RuleMeta } from "../../types.js";

/** Reported by schema validation of the OpenAPI part (src/lint/validate/document.ts, validate/openapi.ts). */
export const openapiSchema = {
  id: "openapi-schema",
  defaultSeverity: "error",
  description: "The OpenAPI part of a Tyk OAS API does not conform to the OpenAPI 3.0 or 3.1 schema.",
  help: "The gateway validates Tyk OAS definitions against the official OpenAPI schema and refuses invalid ones. Fix the OpenAPI document at the position shown.",
} as const satisfies RuleMeta;
