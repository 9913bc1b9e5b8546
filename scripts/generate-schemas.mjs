#!/usr/bin/env node
// Generates the JSON Schemas in schemas/ from the field inventories in test/data/inventory/
// (facts read from the Tyk gateway's Go structs) and the hand-written texts and overrides in
// scripts/schema-descriptions.json. Deterministic: the same inputs give the same bytes.
//
//   node scripts/generate-schemas.mjs           write schemas/*.schema.json
//   node scripts/generate-schemas.mjs --check   exit 1 if a committed schema differs
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const INVENTORY_DIR = path.join(ROOT, "test/data/inventory");
const SCHEMA_DIR = path.join(ROOT, "schemas");
const ID_BASE = "https://tyk-ts.dev/schemas/v1/";

const SCHEMAS = [
  { name: "tyk-conf", inventory: "tyk-conf.fields.json" },
  { name: "classic-api", inventory: "classic-api.fields.json" },
  { name: "tyk-oas-extension", inventory: "oas-x-tyk-api-gateway.fields.json" },
  { name: "policy", inventory: "policy.fields.json" },
  { name: "bundle-manifest", inventory: "bundle-manifest.fields.json" },
];

// Go's time.ParseDuration syntax ("0", "1h30m", "1.5s", "-2m"); ReadableDuration also takes "".
// The gateway turns an unparsable string into 0 without a word, so a mismatch is worth an error.
const DURATION_PATTERN = "^$|^[-+]?(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$";
// A Mongo object id as Tyk's model.ObjectID decodes it: 24 hex digits, or "" for none.
const OBJECT_ID_PATTERN = "^([0-9a-fA-F]{24})?$";

// Ranges of Go integer types that JSON numbers must fit (Go refuses values out of range).
const INTEGER_BOUNDS = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  uint: [0],
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
  uint64: [0],
};

class Node {
  fields = [];
  properties = new Map();
  item = undefined;
  value = undefined;
}

/** "a.b[][]" → ["a", "b", "[]", "[]"]; "a.*.c" → ["a", "*", "c"]. */
function pathSegments(fieldPath) {
  const segments = [];
  for (const part of fieldPath.split(".")) {
    const match = /^(.*?)((?:\[\])*)$/.exec(part);
    segments.push(match[1]);
    for (let i = 0; i < match[2].length / 2; i++) segments.push("[]");
  }
  return segments;
}

function buildTree(fields) {
  const root = new Node();
  for (const field of fields) {
    let node = root;
    for (const segment of pathSegments(field.path)) {
      if (segment === "[]") node = node.item ??= new Node();
      else if (segment === "*") node = node.value ??= new Node();
      else {
        if (!node.properties.has(segment)) node.properties.set(segment, new Node());
        node = node.properties.get(segment);
      }
    }
    node.fields.push(field);
  }
  return root;
}

/** The entry that describes a node; variant entries only add properties to an `any` parent. */
function primaryField(node, where) {
  const plain = node.fields.filter((f) => !f.variant);
  const candidates = plain.length > 0 ? plain : node.fields;
  const first = candidates[0];
  if (!first) throw new Error(`${where}: no inventory entry`);
  for (const other of candidates) {
    if (other.type !== first.type || JSON.stringify(other.enum) !== JSON.stringify(first.enum)) {
      throw new Error(`${where}: variants disagree on the type (${first.type} vs ${other.type})`);
    }
  }
  return first;
}

const nullable = (type) => [type, "null"];

class SchemaBuilder {
  constructor(name, texts) {
    this.name = name;
    this.descriptions = texts.fields ?? {};
    this.overrides = texts.overrides ?? {};
    this.definitions = {};
    this.usedPaths = new Set();
  }

  build(node, fieldPath) {
    const schema = {};
    const description = this.descriptions[fieldPath];
    if (description !== undefined) {
      schema.description = description;
      this.usedPaths.add(fieldPath);
    }
    const field = fieldPath === "" ? { type: "object" } : primaryField(node, `${this.name}: ${fieldPath}`);
    if (field.deprecated) schema.deprecated = true;
    if (field.default !== undefined) schema.default = field.default;
    Object.assign(schema, this.shape(node, field, fieldPath));
    const override = this.overrides[fieldPath];
    if (override !== undefined) {
      for (const [keyword, value] of Object.entries(override)) {
        if (value === null) delete schema[keyword];
        else schema[keyword] = value;
      }
      this.usedPaths.add(fieldPath);
    }
    return schema;
  }

  shape(node, field, fieldPath) {
    switch (field.type) {
      case "string":
        return this.stringShape(field);
      // x-go-type: lint checks each number as written against it (Go refuses 8080.0 or 1e3 in an
      // int, 1e39 in a float32; src/lint/validate/number-literals.ts).
      case "integer": {
        const [minimum, maximum] = INTEGER_BOUNDS[field.go_type] ?? [];
        return { type: nullable("integer"), "x-go-type": field.go_type, ...(minimum !== undefined && { minimum }), ...(maximum !== undefined && { maximum }) };
      }
      case "number":
        return { type: nullable("number"), "x-go-type": field.go_type };
      case "boolean":
        return { type: nullable(field.type) };
      case "array":
        return { type: nullable("array"), items: this.build(required(node.item, fieldPath), `${fieldPath}[]`) };
      case "object":
        return field.map ? this.mapShape(node, field, fieldPath) : this.structShape(node, fieldPath);
      case "any":
        // interface{} / raw JSON: anything goes, unless the inventory lists the shapes it may take
        // (variants), whose properties are merged so no valid shape gets an error.
        return node.properties.size > 0 ? this.structShape(node, fieldPath) : {};
      default:
        throw new Error(`${this.name}: ${fieldPath}: unexpected type ${field.type}`);
    }
  }

  stringShape(field) {
    if (field.go_type === "time.ReadableDuration") {
      // Its UnmarshalJSON unquotes the raw value, so null (or a number) fails the whole document.
      return { type: field.pointer ? nullable("string") : "string", pattern: DURATION_PATTERN };
    }
    if (field.go_type === "model.ObjectID") {
      // Decoded like mgo's bson.ObjectId: a hex id, "", null, or Mongo's {"$oid": "<hex id>"}.
      return {
        type: ["string", "object", "null"],
        pattern: OBJECT_ID_PATTERN,
        properties: { $oid: { type: "string", pattern: OBJECT_ID_PATTERN } },
        required: ["$oid"],
        // Other keys are ignored by the decoder, like unknown fields anywhere else.
        additionalProperties: false,
      };
    }
    if (field.enum) {
      // "" is Go's zero value and is accepted even where no constant declares it.
      const values = [...new Set([...field.enum, ""])];
      return { type: nullable("string"), enum: [...values, null] };
    }
    return { type: nullable("string") };
  }

  structShape(node, fieldPath) {
    const properties = {};
    for (const [key, child] of node.properties) {
      properties[key] = this.build(child, fieldPath === "" ? key : `${fieldPath}.${key}`);
    }
    return { type: nullable("object"), properties, additionalProperties: false };
  }

  mapShape(node, field, fieldPath) {
    const valuePath = `${fieldPath}.*`;
    const valueSchema = this.build(required(node.value, fieldPath), valuePath);
    if (!field.map_key_enum) return { type: nullable("object"), additionalProperties: valueSchema };
    // Keys are event names: Go accepts any key, but one that is not a known event never fires,
    // so unknown keys are reported like unknown fields (with a did-you-mean).
    this.definitions[valuePath] = valueSchema;
    const ref = { $ref: `#/definitions/${encodePointer(valuePath)}` };
    const properties = Object.fromEntries(field.map_key_enum.map((key) => [key, ref]));
    return { type: nullable("object"), properties, additionalProperties: false };
  }
}

function required(node, fieldPath) {
  if (!node) throw new Error(`${fieldPath}: the inventory has no element entry`);
  return node;
}

const encodePointer = (segment) => segment.replaceAll("~", "~0").replaceAll("/", "~1");

/** JSON.stringify with 2-space indentation, but arrays of scalars on one line (`["string", "null"]`). */
function formatJson(value, indent = "") {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== "object")) return `[${value.map((v) => JSON.stringify(v)).join(", ")}]`;
    return `[\n${value.map((v) => inner + formatJson(v, inner)).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`).join(",\n")}\n${indent}}`;
}

export function generateSchemas() {
  const texts = JSON.parse(readFileSync(path.join(ROOT, "scripts/schema-descriptions.json"), "utf8"));
  const output = new Map();
  for (const { name, inventory } of SCHEMAS) {
    const source = JSON.parse(readFileSync(path.join(INVENTORY_DIR, inventory), "utf8"));
    const schemaTexts = texts[name];
    if (!schemaTexts?.title || !schemaTexts.description) throw new Error(`schema-descriptions.json: ${name} needs a title and a description`);
    const builder = new SchemaBuilder(name, schemaTexts);
    const body = builder.build(buildTree(source.fields), "");
    delete body.type;
    const stale = [...Object.keys(builder.descriptions), ...Object.keys(builder.overrides)].filter((p) => !builder.usedPaths.has(p));
    if (stale.length > 0) throw new Error(`schema-descriptions.json: ${name}: paths not in the inventory: ${stale.join(", ")}`);
    const schema = {
      $schema: "http://json-schema.org/draft-07/schema#",
      $id: `${ID_BASE}${name}.schema.json`,
      title: schemaTexts.title,
      description: schemaTexts.description,
      $comment: `Generated by scripts/generate-schemas.mjs from the field inventory of github.com/TykTechnologies/tyk at ${source.commit}. Do not edit by hand.`,
      type: "object",
      ...body,
      ...(Object.keys(builder.definitions).length > 0 && { definitions: builder.definitions }),
    };
    output.set(`${name}.schema.json`, `${formatJson(schema)}\n`);
  }
  return output;
}

function main() {
  const check = process.argv.includes("--check");
  const outdated = [];
  for (const [file, text] of generateSchemas()) {
    const target = path.join(SCHEMA_DIR, file);
    if (check) {
      let current = "";
      try {
        current = readFileSync(target, "utf8");
      } catch {
        // a missing file counts as outdated
      }
      if (current !== text) outdated.push(path.relative(ROOT, target));
    } else {
      writeFileSync(target, text);
      process.stderr.write(`wrote ${path.relative(ROOT, target)}\n`);
    }
  }
  if (outdated.length > 0) {
    process.stderr.write(`out of date (run node scripts/generate-schemas.mjs): ${outdated.join(", ")}\n`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
