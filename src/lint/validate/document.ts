/**
 * Schema validation of one detected document: the findings of the core schema rules (unknown,
 * mistyped, invalid, missing, case-variant and deprecated fields; the OpenAPI part of Tyk OAS), and
 * the document as the gateway reads it, which is what the rules see.
 */
import { TYK_OAS_EXTENSIONS, type DetectedDocument } from "../read/detect.js";
import { childPointer, fieldName, isObject, pointerSegments, valueAt } from "../read/pointer.js";
import type { Anchor, SourceDocument } from "../read/source.js";
import type { LintDocument } from "../types.js";
import { deprecatedFields } from "./deprecated-fields.js";
import { schemaFindings } from "./findings.js";
import { openApiVersion, validateOpenApi } from "./openapi.js";
import { canonicalKeys, type CanonicalKeys } from "./schema-walk.js";
import { SchemaSet, schemaNameFor } from "./schemas.js";
import { isWrapperExtra, isWrapperString } from "./wrapper-fields.js";

export type ValidationRuleId = "unknown-field" | "invalid-type" | "invalid-value" | "missing-field" | "field-case" | "deprecated-field" | "openapi-schema";

/** A schema finding, its pointer inside the file as written. */
export interface ValidationFinding {
  ruleId: ValidationRuleId;
  pointer: string;
  message: string;
  anchor: Anchor;
}

export interface ValidatedDocument {
  document: LintDocument;
  findings: ValidationFinding[];
  /** A pointer into `document.value` (canonical keys) → the pointer inside the file as written. */
  toFile(pointer: string): string;
}

type Report = (ruleId: ValidationRuleId, pointer: string, message: string, anchor: Anchor) => void;

export function validateDocument(detected: DetectedDocument, source: SourceDocument, absolutePath: string, file: string, schemas: SchemaSet): ValidatedDocument {
  const raw = valueAt(source.value, detected.pointer);
  const findings: ValidationFinding[] = [];
  const report: Report = (ruleId, pointer, message, anchor) => findings.push({ ruleId, message, pointer: detected.pointer + pointer, anchor });

  let value: unknown;
  let toDocument: (pointer: string) => string;
  if (detected.kind === "tyk-oas" && isObject(raw)) {
    checkOpenApi(raw, (pointer, message, anchor) => report("openapi-schema", pointer, message, anchor));
    const extensionKey = "x-tyk-api-gateway";
    const extension = validateAgainstSchema(raw[extensionKey], detected, schemas, childPointer("", extensionKey), report);
    value = Object.hasOwn(raw, extensionKey) ? { ...raw, [extensionKey]: extension.value } : raw;
    toDocument = (pointer) => {
      const prefix = childPointer("", extensionKey);
      return pointer === prefix || pointer.startsWith(`${prefix}/`) ? prefix + extension.originalPointer(pointer.slice(prefix.length)) : pointer;
    };
  } else {
    const validated = validateAgainstSchema(raw, detected, schemas, "", report);
    value = validated.value;
    toDocument = validated.originalPointer;
  }
  const document: LintDocument = {
    kind: detected.kind,
    file,
    absolutePath,
    value,
    pointer: detected.pointer,
    wrapper: detected.wrapper,
    yamlDocument: source.yamlIndex,
    resource: detected.resource,
  };
  return { document, findings, toFile: (pointer) => detected.pointer + toDocument(pointer) };
}

function validateAgainstSchema(raw: unknown, detected: DetectedDocument, schemas: SchemaSet, at: string, report: Report): { value: unknown; originalPointer(pointer: string): string } {
  if (raw === undefined) return { value: raw, originalPointer: (p) => p };
  const name = schemaNameFor(detected.kind);
  const graph = schemas.graph(name);
  const validate = schemas.validator(name);
  let valid = validate(raw);
  let errors = validate.errors ?? [];
  // Where every object refuses keys the schema does not name, a document the validator accepts has
  // no case variants of field names: only look for them when it does not.
  let walk: CanonicalKeys = { value: raw, caseMatches: [], originalPointer: (p) => p };
  if (!valid || !graph.refusesUnnamedKeys) {
    walk = canonicalKeys(raw, graph);
    if (walk.value !== raw) {
      valid = validate(walk.value);
      errors = validate.errors ?? [];
    }
  }
  const original = (pointer: string) => at + walk.originalPointer(pointer);
  for (const m of walk.caseMatches) {
    const where = fieldName(at + m.pointer.slice(0, m.pointer.lastIndexOf("/")));
    report(
      "field-case",
      at + m.pointer,
      m.alsoPresent
        ? `\`${m.key}\` and \`${m.canonical}\` are both set${where ? ` in \`${where}\`` : ""}: the gateway reads both into \`${m.canonical}\` (Go matches keys case-insensitively) and the later one wins; remove one`
        : `\`${m.key}\` is read by the gateway as \`${m.canonical}\` (Go matches keys case-insensitively), but other tools do not; write \`${m.canonical}\``,
      "key",
    );
  }
  for (const d of deprecatedFields(walk.value, graph)) {
    report("deprecated-field", original(d.pointer), `\`${fieldName(at + d.pointer)}\` is deprecated${d.description ? `: ${firstSentence(d.description)}` : ""}`, "key");
  }
  if (!valid) {
    const findings = schemaFindings(errors, { base: at, locateField: (field) => schemas.fieldLocations(name, field) });
    const streams = detected.kind === "tyk-oas";
    for (const f of findings) {
      if (f.ruleId === "unknown-field" && isWrapperExtra(detected.wrapper, detected.kind, f.pointer)) continue;
      if (f.ruleId === "invalid-type" && isWrapperString(detected.wrapper, detected.kind, f.pointer, valueAt(walk.value, f.pointer))) continue;
      // Tyk Streams APIs have no upstream: the gateway validates them with the Streams schema.
      if (streams && f.ruleId === "missing-field" && f.missing === "upstream" && f.pointer === "") continue;
      report(f.ruleId, original(f.pointer), f.message, f.anchor);
    }
  }
  return { value: walk.value, originalPointer: (p) => walk.originalPointer(p) };
}

function firstSentence(text: string): string {
  return /^[^]*?[.!?](?=\s|$)/.exec(text)?.[0] ?? text;
}

function checkOpenApi(doc: Record<string, unknown>, report: (pointer: string, message: string, anchor: Anchor) => void): void {
  const version = openApiVersion(doc);
  if (!version) {
    report("/openapi", `\`openapi\` is ${JSON.stringify(doc.openapi)}; Tyk OAS APIs are OpenAPI 3.0.x or 3.1.x documents`, "value");
    return;
  }
  for (const f of schemaFindings(validateOpenApi(doc, version), { unknownField: "OpenAPI does not allow it" })) {
    // Extensions are validated on their own; the OpenAPI schema only says they may be there.
    if (TYK_OAS_EXTENSIONS.includes(pointerSegments(f.pointer)[0] ?? "")) continue;
    report(f.pointer, `OpenAPI ${version}: ${f.message}`, f.anchor);
  }
}
