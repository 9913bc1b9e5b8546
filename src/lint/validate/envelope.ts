/**
 * The Dashboard's envelope around an API definition: what the Dashboard's API returns and tyk-sync
 * dumps (`{"api_definition": …, "api_model": {}, "user_owners": [], …}`). Its fields are the
 * Dashboard's `DBApiDefinition` as tyk-sync models it (tyk-sync clients/objects/apidef.go:
 * `api_definition`, `oas`, `categories`, `hook_references`, `is_site`, `sort_by`,
 * `user_group_owners`, `user_owners`) plus what Dashboard exports carry (`api_model`, `created_at`,
 * `date_created`, `is_streams`). A misspelt key is dropped on import (ownership, categories, hooks
 * silently lost), and a misspelt `api_definition` leaves the Dashboard with no API at all.
 */
import { misspeltDefinitionKey } from "../read/detect.js";
import { childPointer, isObject } from "../read/pointer.js";
import type { Anchor } from "../read/source.js";
import { closest } from "../../suggest.js";

type FieldType = "object" | "array" | "string[]" | "boolean" | "integer" | "string";

export const API_ENVELOPE_FIELDS: Readonly<Record<string, FieldType>> = {
  api_definition: "object",
  oas: "object",
  api_model: "object",
  categories: "string[]",
  hook_references: "array",
  is_site: "boolean",
  sort_by: "integer",
  user_group_owners: "string[]",
  user_owners: "string[]",
  created_at: "string",
  date_created: "string",
  is_streams: "boolean",
};

export interface EnvelopeFinding {
  ruleId: "unknown-field" | "invalid-type" | "missing-field";
  /** Pointer in the file. */
  pointer: string;
  message: string;
  anchor: Anchor;
}

/** Findings about the envelope at `at` (a file pointer): unknown or misspelt keys and values of the wrong type. */
export function envelopeFindings(envelope: Record<string, unknown>, at: string): EnvelopeFinding[] {
  const findings: EnvelopeFinding[] = [];
  const known = Object.keys(API_ENVELOPE_FIELDS);
  const broken = misspeltDefinitionKey(envelope);
  for (const [key, value] of Object.entries(envelope)) {
    const pointer = childPointer(at, key);
    const type = API_ENVELOPE_FIELDS[key];
    if (key === broken) {
      findings.push({ ruleId: "missing-field", pointer, anchor: "key", message: `the Dashboard envelope has no \`api_definition\`: \`${key}\` looks like it (did you mean \`api_definition\`?); the Dashboard imports no API from it` });
    } else if (type === undefined) {
      const suggestion = closest(key, known);
      // The gateway's own fields next to the definition are a different mistake: the Dashboard ignores them too.
      findings.push({ ruleId: "unknown-field", pointer, anchor: "key", message: `unknown field \`${key}\` in the Dashboard envelope: the Dashboard ignores it${suggestion ? `; did you mean \`${suggestion}\`?` : ""}` });
    } else if (!hasType(value, type)) {
      findings.push({ ruleId: "invalid-type", pointer, anchor: "value", message: `\`${key}\` in the Dashboard envelope must be ${describe(type)}, not ${kindOf(value)}` });
    }
  }
  return findings;
}

function hasType(value: unknown, type: FieldType): boolean {
  switch (type) {
    case "object":
      return isObject(value);
    case "array":
      return Array.isArray(value) || value === null;
    case "string[]":
      return value === null || (Array.isArray(value) && value.every((v) => typeof v === "string"));
    case "boolean":
      return typeof value === "boolean";
    case "integer":
      return Number.isInteger(value);
    case "string":
      return typeof value === "string";
  }
}

function describe(type: FieldType): string {
  return { object: "an object", array: "an array", "string[]": "an array of strings", boolean: "true or false", integer: "an integer", string: "a string" }[type];
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}
