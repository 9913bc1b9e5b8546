/**
 * Organisation rules: the team's own checks, written in the lint config without code.
 *
 *   "orgRules": [
 *     { "id": "org/https-upstream", "severity": "error", "kinds": ["classic-api"],
 *       "given": "/proxy/target_url", "then": { "pattern": "^https://" },
 *       "message": "every API's target_url must start with https://" },
 *     { "id": "org/owner-tag", "kinds": ["classic-api"], "given": "/tags", "required": true,
 *       "then": { "contains": { "type": "string", "pattern": "^owner:" } },
 *       "message": "every API must carry an owner:<team> tag" }
 *   ]
 *
 * `given` is a JSON pointer into each document (the definition itself, also inside a Dashboard
 * export or an Operator resource) where `*` stands for any key or index. `then` is a JSON Schema
 * (draft-07) each value found must satisfy; `required: true` reports a value that is missing (or
 * null, which the gateway reads as missing). The schemas are compiled once per run.
 */
import { createRequire } from "node:module";
import type { Ajv, ErrorObject, ValidateFunction } from "ajv";
import { InputError } from "../errors.js";
import { childPointer, fieldName, isObject, pointerSegments } from "./read/pointer.js";
import { closest } from "../suggest.js";
import { KINDS, type LintDocument, type Rule, type RuleFinding, type RuleSeverity } from "./types.js";

const require = createRequire(import.meta.url);

type DocumentKind = LintDocument["kind"];
const DOCUMENT_KINDS = KINDS.filter((k): k is DocumentKind => k !== "policies");

export interface OrgRuleDefinition {
  id: string;
  severity: RuleSeverity;
  kinds: DocumentKind[];
  given: string;
  /** JSON Schema the values must satisfy. */
  then?: unknown;
  required: boolean;
  message?: string;
}

const FIELDS = ["id", "severity", "kinds", "given", "then", "required", "message"];
const SEVERITIES: Record<string, RuleSeverity> = { error: "error", warning: "warning", warn: "warning", off: "off" };

function definitionError(file: string, where: string, message: string): InputError {
  return new InputError("config-invalid", `${file}: ${where}: ${message}`, {
    hint: 'an organisation rule looks like {"id": "org/https-upstream", "severity": "error", "kinds": ["classic-api"], "given": "/proxy/target_url", "then": {"pattern": "^https://"}, "message": "…"}',
  });
}

/** Checks the shape of `orgRules` in the config; the schemas themselves are checked when compiled. */
export function parseOrgRules(raw: unknown, file: string): OrgRuleDefinition[] {
  if (!Array.isArray(raw)) throw definitionError(file, "orgRules", "must be a list of rules");
  const seen = new Set<string>();
  return raw.map((entry, index) => {
    let where = `orgRules[${index}]`;
    if (!isObject(entry)) throw definitionError(file, where, "must be an object");
    const { id, severity = "error", kinds = DOCUMENT_KINDS, given, then, required = false, message } = entry;
    if (typeof id !== "string" || !/^\S+$/.test(id)) throw definitionError(file, where, '"id" must be a string without spaces, e.g. "org/https-upstream"');
    where = `orgRules[${index}] ("${id}")`;
    if (seen.has(id)) throw definitionError(file, where, "another organisation rule has the same id");
    seen.add(id);
    for (const key of Object.keys(entry)) {
      if (FIELDS.includes(key)) continue;
      const suggestion = closest(key, FIELDS);
      throw definitionError(file, where, `unknown field "${key}"${suggestion ? `; did you mean "${suggestion}"?` : ""} (known: ${FIELDS.join(", ")})`);
    }
    const level = typeof severity === "string" ? SEVERITIES[severity] : undefined;
    if (!level) throw definitionError(file, where, `"severity" must be "error", "warning" or "off"; found ${JSON.stringify(severity)}`);
    if (!Array.isArray(kinds) || kinds.length === 0) throw definitionError(file, where, `"kinds" must be a non-empty list of ${DOCUMENT_KINDS.join(", ")}`);
    const ruleKinds = kinds.map((kind) => {
      const known = kind === "policies" ? "policy" : DOCUMENT_KINDS.find((k) => k === kind);
      if (known) return known;
      const suggestion = typeof kind === "string" ? closest(kind, DOCUMENT_KINDS) : undefined;
      throw definitionError(file, where, `unknown kind ${JSON.stringify(kind)}${suggestion ? `; did you mean "${suggestion}"?` : ""} (known: ${DOCUMENT_KINDS.join(", ")})`);
    });
    if (typeof given !== "string" || (given !== "" && !given.startsWith("/"))) {
      throw definitionError(file, where, `"given" must be a JSON pointer such as "/proxy/target_url" ("*" matches any key or index); found ${JSON.stringify(given)}`);
    }
    if (typeof required !== "boolean") throw definitionError(file, where, '"required" must be true or false');
    if (then !== undefined && !isObject(then) && typeof then !== "boolean") throw definitionError(file, where, '"then" must be a JSON Schema (an object)');
    if (then === undefined && !required) throw definitionError(file, where, 'give "then" (a JSON Schema the value must satisfy), "required": true, or both');
    if (message !== undefined && (typeof message !== "string" || message.trim() === "")) throw definitionError(file, where, '"message" must be a non-empty string');
    return { id, severity: level, kinds: [...new Set(ruleKinds)], given, then, required, message };
  });
}

function createAjv(): Ajv {
  const AjvClass = require("ajv") as typeof import("ajv").default;
  const addFormats = require("ajv-formats") as typeof import("ajv-formats").default;
  // Strict mode turns a misspelt keyword ("patern") into an error instead of a rule that never fails.
  const ajv = new AjvClass({ allErrors: false, strict: true, strictTypes: false, strictTuples: false, strictRequired: false, logger: false });
  addFormats(ajv);
  return ajv;
}

/** Turns the definitions into rules the engine runs like its own; every schema is compiled here, once. */
export function compileOrgRules(definitions: readonly OrgRuleDefinition[], file: string): Rule[] {
  if (definitions.length === 0) return [];
  const ajv = createAjv();
  return definitions.map((def) => {
    let validate: ValidateFunction | undefined;
    if (def.then !== undefined) {
      try {
        validate = ajv.compile(def.then as object);
      } catch (err) {
        throw definitionError(file, `orgRules ("${def.id}")`, `"then" is not a valid JSON Schema: ${(err as Error).message}`);
      }
    }
    const condition = [def.required ? "must be present" : "", validate ? `must satisfy ${JSON.stringify(def.then)}` : ""].filter(Boolean).join(" and ");
    return {
      id: def.id,
      defaultSeverity: def.severity,
      kinds: def.kinds,
      description: def.message ?? `Organisation rule: ${def.given || "the document"} ${condition}.`,
      help: `Organisation rule from ${file}: in ${def.kinds.join(", ")} documents, the value at \`${def.given || "/"}\` ${condition}.`,
      check: (doc) => checkOrgRule(def, validate, doc.value),
    };
  });
}

function checkOrgRule(def: OrgRuleDefinition, validate: ValidateFunction | undefined, root: unknown): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const match of resolveGiven(root, pointerSegments(def.given))) {
    if (match.value === undefined) {
      if (def.required) findings.push({ pointer: match.pointer, message: def.message ?? `\`${fieldName(match.pointer) || "/"}\` is required` });
      continue;
    }
    if (!validate || validate(match.value)) continue;
    const error = validate.errors?.[0];
    const pointer = match.pointer + (error?.instancePath ?? "");
    findings.push({ pointer, message: def.message ?? `\`${fieldName(pointer) || "/"}\` ${describeError(error)}` });
  }
  return findings;
}

function describeError(error: ErrorObject | undefined): string {
  if (!error) return "does not satisfy the rule";
  if (error.keyword === "enum") return `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
  return error.message ?? "does not satisfy the rule";
}

interface GivenMatch {
  pointer: string;
  /** undefined when the path does not exist (or holds null, which the gateway reads as absent). */
  value: unknown;
}

/**
 * Every place `segments` leads to. A literal segment under a missing value stays a (missing) match,
 * so `required` can report it; `*` expands to the keys or indices of what exists.
 */
function resolveGiven(root: unknown, segments: readonly string[]): GivenMatch[] {
  let matches: GivenMatch[] = [{ pointer: "", value: root ?? undefined }];
  for (const segment of segments) {
    matches = matches.flatMap(({ pointer, value }): GivenMatch[] => {
      if (segment === "*") {
        if (Array.isArray(value)) return value.map((item, i) => ({ pointer: childPointer(pointer, i), value: item ?? undefined }));
        if (isObject(value)) return Object.entries(value).map(([key, item]) => ({ pointer: childPointer(pointer, key), value: item ?? undefined }));
        return [];
      }
      const child = Array.isArray(value) && /^\d+$/.test(segment) ? value[Number(segment)] : isObject(value) && Object.hasOwn(value, segment) ? value[segment] : undefined;
      return [{ pointer: childPointer(pointer, segment), value: child ?? undefined }];
    });
  }
  return matches;
}
