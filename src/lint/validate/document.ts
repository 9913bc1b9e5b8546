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
import { envelopeFindings } from "./envelope.js";
import { decodeInto, goValue } from "./go-decode.js";
import { numberLiteralFindings } from "./number-literals.js";
import { toValue, type JsonNode } from "../../json/parse.js";
import { closest } from "../../suggest.js";

export type ValidationRuleId = "duplicate-key" | "unknown-field" | "invalid-type" | "invalid-value" | "missing-field" | "field-case" | "deprecated-field" | "openapi-schema";
type OpenApiReport = (pointer: string, message: string, anchor: Anchor, ruleId?: ValidationRuleId) => void;

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
  const findings: ValidationFinding[] = [];
  const raw = source.duplicates ? decodedAsGo(detected, source, schemas, findings) : valueAt(source.value, detected.pointer);
  const report: Report = (ruleId, pointer, message, anchor) => findings.push({ ruleId, message, pointer: detected.pointer + pointer, anchor });

  let value: unknown;
  let toDocument: (pointer: string) => string;
  if (detected.kind === "tyk-oas" && isObject(raw)) {
    checkOpenApi(raw, (pointer, message, anchor, ruleId = "openapi-schema") => report(ruleId, pointer, message, anchor));
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
  if (source.numbers) {
    // Tyk OAS: only the extension is decoded into Go structs with integer fields.
    const at = detected.kind === "tyk-oas" ? childPointer("", "x-tyk-api-gateway") : "";
    const root = schemas.graph(schemaNameFor(detected.kind)).root;
    for (const f of numberLiteralFindings(source.numbers, detected.pointer, at, root, detected.kind)) report("invalid-type", f.pointer, f.message, "value");
  }
  if (detected.envelope !== undefined) {
    const envelope = valueAt(source.value, detected.envelope);
    if (isObject(envelope)) findings.push(...envelopeFindings(envelope, detected.envelope));
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

/**
 * The document as Go decodes it when a key in it is written twice (JSON.parse kept only the last
 * occurrence), with a duplicate-key finding for each repeat naming both places and the value used.
 */
function decodedAsGo(detected: DetectedDocument, source: SourceDocument, schemas: SchemaSet, findings: ValidationFinding[]): unknown {
  const { tree, keys } = source.duplicates!;
  const inside = keys.filter((d) => d.object === detected.pointer || d.object.startsWith(`${detected.pointer}/`));
  const node = nodeAt(tree, detected.pointer);
  if (inside.length === 0 || !node) return valueAt(source.value, detected.pointer);
  const root = schemas.graph(schemaNameFor(detected.kind)).root;
  // Tyk OAS: the schema describes the extension; the OpenAPI part is decoded without one.
  const value = detected.kind === "tyk-oas" && node.type === "object" ? oasAsGo(node, root) : goValue(node, root);
  for (const d of inside) {
    const pointer = childPointer(d.object, d.key);
    const used = valueAt(value, pointer.slice(detected.pointer.length));
    // When Go's value is not simply the later occurrence, the two were merged.
    const later = memberValue(tree, d.object, d.secondKey);
    const merged = later !== undefined && typeof used === "object" && used !== null && JSON.stringify(used) !== JSON.stringify(toValue(later));
    const where = `line ${d.first.line}, column ${d.first.column} and line ${d.second.line}, column ${d.second.column}`;
    const message = merged
      ? `\`${d.key}\` is written twice (${where}): Go decodes both objects into the same field, so the gateway reads them merged, the later one winning where both set a key: ${shown(used)}; write one \`${d.key}\``
      : `\`${d.key}\` is written twice (${where}): Go keeps the later value, so the gateway uses ${shown(used)}; remove the other`;
    findings.push({ ruleId: "duplicate-key", pointer, message, anchor: "key" });
  }
  return value;
}

/** A value as JSON, or its keys when that is too long to read in a message. */
function shown(value: unknown): string {
  const json = JSON.stringify(value) ?? "null";
  if (json.length <= 120) return `\`${json}\``;
  return isObject(value) ? `an object with ${Object.keys(value).map((k) => `\`${k}\``).join(", ")}` : Array.isArray(value) ? `a list of ${value.length}` : `\`${json.slice(0, 117)}…\``;
}

function oasAsGo(node: Extract<JsonNode, { type: "object" }>, extension: import("./schema-graph.js").Position): unknown {
  const out: Record<string, unknown> = {};
  for (const m of node.members) {
    const position = m.key === "x-tyk-api-gateway" ? extension : undefined;
    const value = goValue(m.value, position);
    Object.defineProperty(out, m.key, { value: Object.hasOwn(out, m.key) ? decodeInto(out[m.key], value, position) : value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The node at a file pointer, following the last occurrence of a repeated key as JSON.parse does. */
function nodeAt(tree: JsonNode, pointer: string): JsonNode | undefined {
  let node: JsonNode | undefined = tree;
  for (const segment of pointerSegments(pointer)) {
    if (!node) return undefined;
    if (node.type === "object") node = node.members.findLast((m) => m.key === segment)?.value;
    else if (node.type === "array") node = node.items[Number(segment)];
    else return undefined;
  }
  return node;
}

function memberValue(tree: JsonNode, object: string, keyOffset: number): JsonNode | undefined {
  // The object the key is in, reached through the last occurrence of any repeated key on the way.
  const node = nodeAt(tree, object);
  return node?.type === "object" ? node.members.find((m) => m.keyOffset === keyOffset)?.value : undefined;
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

function checkOpenApi(doc: Record<string, unknown>, report: OpenApiReport): void {
  if (!Object.hasOwn(doc, "openapi")) {
    // Detected by its Tyk extension: without `openapi` neither the gateway nor the Dashboard takes it as Tyk OAS.
    const misspelt = Object.keys(doc).find((k) => closest(k, ["openapi"]) === "openapi");
    const extension = TYK_OAS_EXTENSIONS.find((x) => Object.hasOwn(doc, x)) ?? "x-tyk-api-gateway";
    const message = `the document has \`${extension}\` but no \`openapi\` field${misspelt ? ` (\`${misspelt}\` looks like it: did you mean \`openapi\`?)` : ""}: a Tyk OAS API is an OpenAPI 3.0.x or 3.1.x document, and the gateway and Dashboard refuse it without one; add \`"openapi": "3.0.3"\``;
    report(misspelt ? childPointer("", misspelt) : "", message, "key", "missing-field");
    return;
  }
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
