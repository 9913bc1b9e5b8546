/**
 * Reads a document's keys the way Go's decoder does: `Monitor` fills `monitor`, so the document is
 * validated (and handed to rules) with the canonical key, and the spelling is reported on its own.
 */
import { childPointer, isObject, pointerOf } from "../read/pointer.js";
import type { JsonSchema, Position, SchemaGraph, SchemaResolver } from "./schema-graph.js";

export interface CaseMatch {
  /** Pointer of the member as written (parent pointer + original key). */
  pointer: string;
  key: string;
  canonical: string;
  /** The canonical key is present too: Go decodes both into the same field. */
  alsoPresent: boolean;
}

export interface CanonicalKeys {
  /** The document with keys renamed to their canonical spelling (the input itself when none was). */
  value: unknown;
  caseMatches: CaseMatch[];
  /** Turns a pointer into the canonical value back into one into the document as written. */
  originalPointer(canonicalPointer: string): string;
}

export function canonicalKeys(value: unknown, graph: SchemaGraph): CanonicalKeys {
  const caseMatches: CaseMatch[] = [];
  /** canonical pointer of a renamed member → the key as written */
  const renamed = new Map<string, string>();

  // The path is kept as segments and turned into a pointer only for what is reported.
  const path: Array<string | number> = [];
  const walk = (node: unknown, at: Position): unknown => {
    if (at.isEmpty) return node;
    if (Array.isArray(node)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < node.length; i++) {
        const item = node[i];
        // Only objects and arrays can hold keys to rename.
        if (typeof item !== "object" || item === null) continue;
        path.push(i);
        const next = walk(item, at.item(i));
        path.pop();
        if (next !== item) (copy ??= [...node])[i] = next;
      }
      return copy ?? node;
    }
    if (!isObject(node)) return node;

    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(node)) {
      const child = node[key];
      let name = key;
      let sub = at.property(key);
      if (!sub) {
        const canonical = at.canonicalName(key);
        if (canonical !== undefined) {
          const alsoPresent = Object.hasOwn(node, canonical);
          caseMatches.push({ pointer: childPointer(pointerOf(path), key), key, canonical, alsoPresent });
          copy ??= cloneObject(node);
          delete copy[key];
          // When both spellings are present, Go decodes both into one field; validate the canonical one.
          if (alsoPresent) continue;
          name = canonical;
          sub = at.property(canonical);
          renamed.set(childPointer(pointerOf(path), canonical), key);
        }
      }
      let next = child;
      if (typeof child === "object" && child !== null) {
        path.push(name);
        next = walk(child, sub ?? at.other(key));
        path.pop();
      }
      if (next !== child || name !== key) {
        copy ??= cloneObject(node);
        Object.defineProperty(copy, name, { value: next, enumerable: true, writable: true, configurable: true });
      }
    }
    return copy ?? node;
  };

  return {
    value: walk(value, graph.root),
    caseMatches,
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

function cloneObject(node: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
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
