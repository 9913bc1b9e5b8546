/**
 * ajv's errors as findings a person can act on: one sentence per problem, naming the field, what
 * was expected and what was found, with "did you mean" for misspelt keys and values. The noise of
 * `anyOf`/`oneOf`/`if` (every branch that did not match reports its own errors) is reduced to the
 * errors of the branch the value was meant for.
 */
import type { ErrorObject } from "ajv";
import type { Anchor } from "../read/source.js";
import { childPointer, fieldName, isObject } from "../read/pointer.js";
import { closest } from "../../suggest.js";

export interface SchemaFinding {
  ruleId: "unknown-field" | "invalid-type" | "invalid-value" | "missing-field";
  /** Pointer into the validated value. */
  pointer: string;
  message: string;
  anchor: Anchor;
  /** For missing-field: the field that is missing. */
  missing?: string;
}

/** Where else a field of that name is known in the schema, for "belongs under …" hints. */
export type FieldLocator = (name: string) => string[];

const COMPOSITE = new Set(["anyOf", "oneOf"]);

export interface FindingOptions {
  /** Pointer of the validated value in its document, so messages name fields from the document's root. */
  base?: string;
  locateField?: FieldLocator;
  /** What an unknown field means for the reader, e.g. "the gateway ignores it". */
  unknownField?: string;
}

export function schemaFindings(errors: readonly ErrorObject[], options: FindingOptions = {}): SchemaFinding[] {
  const name = (pointer: string) => describeField((options.base ?? "") + pointer);
  const kept = reduceBranches(errors.filter((e) => e.keyword !== "if"));
  const findings: SchemaFinding[] = [];
  const typeErrors = new Map<string, ErrorObject[]>();
  for (const e of kept) {
    if (e.keyword === "type") {
      const list = typeErrors.get(e.instancePath) ?? [];
      list.push(e);
      typeErrors.set(e.instancePath, list);
      continue;
    }
    const finding = describe(e, name, options);
    if (finding) findings.push(finding);
  }
  for (const [pointer, list] of typeErrors) findings.push(typeFinding(pointer, list, name));
  return dedupe(findings);
}

/**
 * For each failed `anyOf`/`oneOf`, keep what helps: when the value has the JSON type of some branch
 * and that branch has complaints about it, drop the other branches' type mismatches and the
 * composite error itself. Among unknown-field errors from several object branches, keep the branch
 * that the value fits best (fewest unknown keys).
 */
function reduceBranches(errors: ErrorObject[]): ErrorObject[] {
  const composites = errors.filter((e) => COMPOSITE.has(e.keyword));
  if (composites.length === 0) return errors;
  const drop = new Set<ErrorObject>();
  for (const c of composites) {
    const at = c.instancePath;
    const inside = errors.filter((e) => e !== c && !COMPOSITE.has(e.keyword) && isWithin(e.instancePath, at));
    const substantive = inside.filter((e) => !(e.keyword === "type" && e.instancePath === at));
    if (inside.length > 0) drop.add(c);
    if (substantive.length > 0) for (const e of inside) if (e.keyword === "type" && e.instancePath === at) drop.add(e);

    const unknownByBranch = new Map<unknown, ErrorObject[]>();
    for (const e of inside) {
      if (e.keyword !== "additionalProperties" || e.instancePath !== at) continue;
      const list = unknownByBranch.get(e.parentSchema) ?? [];
      list.push(e);
      unknownByBranch.set(e.parentSchema, list);
    }
    if (unknownByBranch.size > 1) {
      const best = [...unknownByBranch.values()].reduce((a, b) => (b.length < a.length ? b : a));
      for (const list of unknownByBranch.values()) if (list !== best) for (const e of list) drop.add(e);
    }
  }
  return errors.filter((e) => !drop.has(e));
}

function isWithin(pointer: string, ancestor: string): boolean {
  return pointer === ancestor || pointer.startsWith(`${ancestor}/`);
}

function describeField(pointer: string): string {
  const name = fieldName(pointer);
  return name ? `\`${name}\`` : "the document";
}

// The same misspelt key recurs across files (exports copied from one another): suggest once per
// schema object and key rather than measuring it against every known field again.
const keySuggestions = new WeakMap<object, Map<string, string | undefined>>();

function suggestKey(properties: object, key: string): string | undefined {
  let cache = keySuggestions.get(properties);
  if (!cache) keySuggestions.set(properties, (cache = new Map()));
  if (!cache.has(key)) cache.set(key, closest(key, Object.keys(properties)));
  return cache.get(key);
}

/** Of the places a field is known, the least nested ones (`http_server_options.min_version` before `opentelemetry.tls.min_version`). */
function closestLevels(paths: string[]): string[] {
  const depth = (p: string) => p.split(".").length;
  const least = Math.min(...paths.map(depth));
  return paths.filter((p) => depth(p) === least);
}

function describe(e: ErrorObject, subject: (pointer: string) => string, options: FindingOptions): SchemaFinding | undefined {
  const at = e.instancePath;
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const parent = subject(at);
      const where = parent === "the document" ? "at the top level" : `in ${parent}`;
      const ignored = options.unknownField ?? "the gateway ignores it";
      // A top-level field the schema knows further down is most likely at the wrong level: say where it belongs.
      const elsewhere = closestLevels((options.locateField?.(key) ?? []).filter((p) => p !== fieldName(childPointer(at, key))));
      const base = fieldName(options.base ?? "");
      const full = elsewhere.length > 0 && elsewhere.length <= 3 ? elsewhere.map((p) => `${base ? `${base}.` : ""}${p}`) : [];
      const belongs = full.length > 0 ? `${full.map((p) => `\`${p.slice(0, Math.max(0, p.length - key.length - 1)) || "the top level"}\``).join(" or ")} (${full.map((p) => `\`${p}\``).join(" or ")})` : undefined;
      if (belongs && at === "") {
        return { ruleId: "unknown-field", pointer: childPointer(at, key), anchor: "key", message: `\`${key}\` belongs under ${belongs}, not ${where}: there ${ignored}` };
      }
      // A misspelling of a field of this object first; else the places the schema has the field.
      const suggestion = isObject(e.parentSchema?.properties) ? suggestKey(e.parentSchema.properties, key) : undefined;
      const hint = suggestion ? `; did you mean \`${suggestion}\`?` : belongs ? `; \`${key}\` belongs under ${belongs}` : "";
      return { ruleId: "unknown-field", pointer: childPointer(at, key), anchor: "key", message: `unknown field \`${key}\` ${where}: ${ignored}${hint}` };
    }
    case "required": {
      const missing = String(params.missingProperty);
      return {
        ruleId: "missing-field",
        pointer: at,
        anchor: "key",
        missing,
        message: `${subject(at)} is missing the required field \`${missing}\``,
      };
    }
    case "enum": {
      const allowed = (Array.isArray(e.schema) ? e.schema : (params.allowedValues as unknown[]) ?? []).filter((v) => v !== null);
      const shown = allowed.filter((v) => v !== "");
      const found = e.data;
      const suggestion = typeof found === "string" ? closest(found, shown.filter((v): v is string => typeof v === "string")) : undefined;
      const list = shown.map((v) => JSON.stringify(v)).join(", ");
      const empty = allowed.includes("") ? " (or empty)" : "";
      return {
        ruleId: "invalid-value",
        pointer: at,
        anchor: "value",
        message: `${subject(at)} must be one of ${list}${empty}; found ${preview(found)}${suggestion ? `; did you mean ${JSON.stringify(suggestion)}?` : ""}`,
      };
    }
    case "const":
      return { ruleId: "invalid-value", pointer: at, anchor: "value", message: `${subject(at)} must be ${JSON.stringify(params.allowedValue)}; found ${preview(e.data)}` };
    case "pattern":
      return {
        ruleId: "invalid-value",
        pointer: at,
        anchor: "value",
        message: `${subject(at)} ${patternExpectation(String(params.pattern))}; found ${preview(e.data)}`,
      };
    case "format":
      return { ruleId: "invalid-value", pointer: at, anchor: "value", message: `${subject(at)} must be a valid ${String(params.format)}; found ${preview(e.data)}` };
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return {
        ruleId: "invalid-value",
        pointer: at,
        anchor: "value",
        message: `${subject(at)} must be ${String(params.comparison)} ${String(params.limit)}; found ${preview(e.data)}`,
      };
    case "anyOf":
    case "oneOf":
      return {
        ruleId: "invalid-value",
        pointer: at,
        anchor: "value",
        message:
          e.keyword === "oneOf" && Array.isArray(params.passingSchemas)
            ? `${subject(at)} matches more than one of the allowed forms`
            : `${subject(at)} does not match any of the allowed forms; found ${preview(e.data)}`,
      };
    case "false schema":
      return { ruleId: "unknown-field", pointer: at, anchor: "key", message: `${subject(at)} is not allowed here` };
    default:
      return { ruleId: "invalid-value", pointer: at, anchor: "value", message: `${subject(at)} ${e.message ?? "is not valid"}` };
  }
}

// Patterns the schemas use for values the gateway parses itself; other patterns are quoted.
const KNOWN_PATTERNS: Array<[RegExp, string]> = [
  [/\(ns\|us/, 'must be a Go duration such as "30s", "1m30s" or "500ms"'],
  [/\[0-9a-fA-F\]\{24\}/, "must be a 24-digit hexadecimal object id"],
];

function patternExpectation(pattern: string): string {
  for (const [re, text] of KNOWN_PATTERNS) if (re.test(pattern)) return text;
  return `must match the pattern ${pattern}`;
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "a boolean (true or false)",
  object: "an object",
  array: "an array",
  null: "null",
};

function typeFinding(pointer: string, errors: ErrorObject[], subject: (pointer: string) => string): SchemaFinding {
  const expected = new Set<string>();
  for (const e of errors) {
    const t = (e.params as { type?: string | string[] }).type;
    for (const name of Array.isArray(t) ? t : String(t).split(",")) expected.add(name);
  }
  // null is accepted everywhere (Go leaves the field empty); naming it only distracts.
  if (expected.size > 1) expected.delete("null");
  if (expected.has("number")) expected.delete("integer");
  const names = [...expected].map((t) => TYPE_NAMES[t] ?? t);
  const list = names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names.at(-1)}` : names[0];
  const data = errors[0]!.data;
  let hint = "";
  if (typeof data === "string" && (expected.has("integer") || expected.has("number")) && /^-?\d+(\.\d+)?$/.test(data)) hint = "; remove the quotes";
  if (typeof data === "string" && expected.has("boolean") && /^(true|false)$/i.test(data)) hint = "; remove the quotes";
  return {
    ruleId: "invalid-type",
    pointer,
    anchor: "value",
    message: `${subject(pointer)} must be ${list}; found ${describeValue(data)}${hint}`,
  };
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `a string ${preview(value)}`;
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "boolean") return `the boolean ${value}`;
  return typeof value;
}

export function preview(value: unknown): string {
  if (value === undefined) return "nothing";
  if (isObject(value)) return "an object";
  if (Array.isArray(value)) return "an array";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…"` : text;
}

function dedupe(findings: SchemaFinding[]): SchemaFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.ruleId}\u0000${f.pointer}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
