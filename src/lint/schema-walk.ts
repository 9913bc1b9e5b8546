/**
 * Walks a document alongside its JSON Schema to do what a schema validator cannot:
 * - read keys the way Go's decoder does: `Monitor` fills `monitor`, so the document is validated
 *   (and handed to rules) with the canonical key, and the spelling is reported on its own;
 * - find fields marked `deprecated: true`.
 * The walk follows `properties`, `patternProperties`, `additionalProperties`, `items`, `$ref` and
 * the branches of `allOf`/`anyOf`/`oneOf`/`if`, so it works whatever the schemas' layout.
 */
import { childPointer, isObject } from "./pointer.js";

export type JsonSchema = Record<string, unknown>;

/** Finds a schema by absolute URI (with or without fragment); knows every loaded schema's `$id`. */
export type SchemaResolver = (ref: string, base: string) => { schema: JsonSchema; base: string } | undefined;

export interface CaseMatch {
  /** Pointer of the member as written (parent pointer + original key). */
  pointer: string;
  key: string;
  canonical: string;
  /** The canonical key is present too: Go decodes both into the same field. */
  alsoPresent: boolean;
}

export interface SchemaWalk {
  /** The document with keys renamed to their canonical spelling (the input itself when none was). */
  value: unknown;
  caseMatches: CaseMatch[];
  /** Canonical pointers of deprecated fields that are set to something other than an empty value. */
  deprecated: Array<{ pointer: string; description?: string }>;
  /** Turns a pointer into the canonical value back into one into the document as written. */
  originalPointer(canonicalPointer: string): string;
}

/** Go's encoding/json compares keys with Unicode simple case folding (K, ſ fold to k, s). */
export function foldKey(key: string): string {
  return key.replace(/\u212A/g, "k").replace(/\u017F/g, "s").toLowerCase();
}

interface Scope {
  schema: JsonSchema;
  base: string;
}

export function walkWithSchema(value: unknown, root: JsonSchema, resolve: SchemaResolver): SchemaWalk {
  const caseMatches: CaseMatch[] = [];
  const deprecated: SchemaWalk["deprecated"] = [];
  /** canonical pointer of a renamed member → the key as written */
  const renamed = new Map<string, string>();
  const rootBase = typeof root.$id === "string" ? root.$id : "";

  const expand = (scope: Scope): Scope[] => expandScope(scope, resolve);

  /** Scopes of array element `i` (the same for every element unless the schema lists items one by one). */
  const itemScopes = (scopes: Scope[], i: number): Scope[] =>
    scopes.flatMap((s) => {
      const items = s.schema.items;
      const sub = Array.isArray(items) ? items[i] : items;
      return isObject(sub) ? expand({ schema: sub, base: s.base }) : [];
    });

  /** Scopes of a key the schema does not name: `patternProperties`, else `additionalProperties`. */
  const otherKeyScopes = (scopes: Scope[], key: string): Scope[] =>
    scopes.flatMap((s) => {
      const patterns = s.schema.patternProperties;
      const fromPatterns = isObject(patterns)
        ? Object.entries(patterns).filter(([p, sub]) => isObject(sub) && safeTest(p, key)).flatMap(([, sub]) => expand({ schema: sub as JsonSchema, base: s.base }))
        : [];
      if (fromPatterns.length > 0) return fromPatterns;
      const extra = s.schema.additionalProperties;
      return isObject(extra) ? expand({ schema: extra, base: s.base }) : [];
    });

  const walk = (node: unknown, scopes: Scope[], pointer: string): unknown => {
    if (scopes.length === 0) return node;
    if (Array.isArray(node)) {
      let copy: unknown[] | undefined;
      let tuple: boolean | undefined;
      let shared: Scope[] | undefined;
      for (let i = 0; i < node.length; i++) {
        const item = node[i];
        // Only objects and arrays can hold keys to rename or deprecated fields.
        if (typeof item !== "object" || item === null) continue;
        tuple ??= scopes.some((s) => Array.isArray(s.schema.items));
        const next = walk(item, tuple ? itemScopes(scopes, i) : (shared ??= itemScopes(scopes, 0)), childPointer(pointer, i));
        if (next !== item) (copy ??= [...node])[i] = next;
      }
      return copy ?? node;
    }
    if (!isObject(node)) return node;

    const { properties, folded } = scopes.length === 1 ? propertyTable(scopes[0]!, resolve) : mergedTable(scopes, resolve);
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(node)) {
      const child = node[key];
      let name = key;
      let subScopes = properties.get(key);
      if (!subScopes) {
        const canonical = folded.get(foldKey(key));
        if (canonical !== undefined) {
          const alsoPresent = Object.hasOwn(node, canonical);
          caseMatches.push({ pointer: childPointer(pointer, key), key, canonical, alsoPresent });
          copy ??= cloneObject(node);
          delete copy[key];
          // When both spellings are present, Go decodes both into one field; validate the canonical one.
          if (alsoPresent) continue;
          name = canonical;
          subScopes = properties.get(canonical);
          renamed.set(childPointer(pointer, canonical), key);
        }
      }
      subScopes ??= otherKeyScopes(scopes, key);
      const marked = subScopes.find((s) => s.schema.deprecated === true);
      if (marked && !isEmptyValue(child)) {
        deprecated.push({ pointer: childPointer(pointer, name), description: typeof marked.schema.description === "string" ? marked.schema.description : undefined });
      }
      const next = typeof child === "object" && child !== null ? walk(child, subScopes, childPointer(pointer, name)) : child;
      if (next !== child || name !== key) {
        copy ??= cloneObject(node);
        Object.defineProperty(copy, name, { value: next, enumerable: true, writable: true, configurable: true });
      }
    }
    return copy ?? node;
  };

  const canonicalValue = walk(value, expand({ schema: root, base: rootBase }), "");
  return {
    value: canonicalValue,
    caseMatches,
    deprecated,
    originalPointer(canonicalPointer) {
      if (renamed.size === 0) return canonicalPointer;
      let canonical = "";
      let original = "";
      for (const segment of canonicalPointer.split("/").slice(1)) {
        canonical += `/${segment}`;
        const key = renamed.get(canonical);
        original += key === undefined ? `/${segment}` : childPointer("", key);
      }
      return original;
    },
  };
}

/**
 * null, "", false, 0, and objects or arrays holding only such values: what the Dashboard writes for
 * every field it exports, so a deprecated field with an empty value is not a sign of use.
 */
function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined || value === "" || value === false || value === 0) return true;
  if (Array.isArray(value)) return value.every(isEmptyValue);
  if (isObject(value)) return Object.values(value).every(isEmptyValue);
  return false;
}

// Schemas are immutable during a run: expansions and property tables are computed once per schema.
const expansions = new WeakMap<JsonSchema, Map<string, Scope[]>>();
const tables = new WeakMap<JsonSchema, Map<string, PropertyTable>>();

interface PropertyTable {
  properties: Map<string, Scope[]>;
  /** folded name → the schema's spelling */
  folded: Map<string, string>;
}

/** The schema and every branch it may take, with `$ref`s followed. */
function expandScope(scope: Scope, resolve: SchemaResolver): Scope[] {
  let byBase = expansions.get(scope.schema);
  const cached = byBase?.get(scope.base);
  if (cached) return cached;
  const out: Scope[] = [];
  const add = (s: Scope, depth: number): void => {
    if (depth > 32) return;
    const base = typeof s.schema.$id === "string" ? new URL(s.schema.$id, s.base || undefined).href : s.base;
    out.push({ schema: s.schema, base });
    if (typeof s.schema.$ref === "string") {
      const target = resolve(s.schema.$ref, base);
      if (target) add(target, depth + 1);
    }
    for (const keyword of ["allOf", "anyOf", "oneOf"]) {
      const branches = s.schema[keyword];
      if (Array.isArray(branches)) for (const b of branches) if (isObject(b)) add({ schema: b, base }, depth + 1);
    }
    for (const keyword of ["then", "else"]) {
      const b = s.schema[keyword];
      if (isObject(b)) add({ schema: b, base }, depth + 1);
    }
  };
  add(scope, 0);
  if (!byBase) expansions.set(scope.schema, (byBase = new Map()));
  byBase.set(scope.base, out);
  return out;
}

function propertyTable(scope: Scope, resolve: SchemaResolver): PropertyTable {
  let byBase = tables.get(scope.schema);
  const cached = byBase?.get(scope.base);
  if (cached) return cached;
  const props = scope.schema.properties;
  const table: PropertyTable = { properties: new Map(), folded: new Map() };
  if (isObject(props)) {
    for (const [name, sub] of Object.entries(props)) {
      if (!isObject(sub)) continue;
      table.properties.set(name, expandScope({ schema: sub, base: scope.base }, resolve));
      if (!table.folded.has(foldKey(name))) table.folded.set(foldKey(name), name);
    }
  }
  if (!byBase) tables.set(scope.schema, (byBase = new Map()));
  byBase.set(scope.base, table);
  return table;
}

function mergedTable(scopes: Scope[], resolve: SchemaResolver): PropertyTable {
  const merged: PropertyTable = { properties: new Map(), folded: new Map() };
  for (const scope of scopes) {
    const table = propertyTable(scope, resolve);
    for (const [name, subs] of table.properties) merged.properties.set(name, [...(merged.properties.get(name) ?? []), ...subs]);
    for (const [fold, name] of table.folded) if (!merged.folded.has(fold)) merged.folded.set(fold, name);
  }
  return merged;
}

function cloneObject(node: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

const patternCache = new Map<string, RegExp | null>();
function safeTest(pattern: string, key: string): boolean {
  let re = patternCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, "u");
    } catch {
      re = null;
    }
    patternCache.set(pattern, re);
  }
  return re !== null && re.test(key);
}

/**
 * Every field name in a schema with the places it may appear ("version_data.versions.*.extended_paths"),
 * to tell where a field written at the wrong level belongs.
 */
export function indexFields(root: JsonSchema, resolve: SchemaResolver): Map<string, string[]> {
  const index = new Map<string, string[]>();
  const visiting = new Set<JsonSchema>();
  const rootBase = typeof root.$id === "string" ? root.$id : "";
  const visit = (schema: JsonSchema, base: string, path: string, depth: number): void => {
    if (depth > 12 || visiting.has(schema)) return;
    visiting.add(schema);
    if (typeof schema.$ref === "string") {
      const target = resolve(schema.$ref, base);
      if (target) visit(target.schema, target.base, path, depth + 1);
    }
    for (const keyword of ["allOf", "anyOf", "oneOf"]) {
      const branches = schema[keyword];
      if (Array.isArray(branches)) for (const b of branches) if (isObject(b)) visit(b, base, path, depth + 1);
    }
    if (isObject(schema.properties)) {
      for (const [name, sub] of Object.entries(schema.properties)) {
        const at = path ? `${path}.${name}` : name;
        const list = index.get(name) ?? [];
        list.push(at);
        index.set(name, list);
        if (isObject(sub)) visit(sub, base, at, depth + 1);
      }
    }
    if (isObject(schema.additionalProperties)) visit(schema.additionalProperties, base, `${path}.*`, depth + 1);
    if (isObject(schema.items)) visit(schema.items, base, `${path}[]`, depth + 1);
    visiting.delete(schema);
  };
  visit(root, rootBase, "", 0);
  return index;
}
