/**
 * A document's value as Go's encoding/json leaves it when a key is written twice: the second
 * occurrence is decoded into the value the first produced (decode.go `object`: a struct field is
 * decoded in place; a map is reused, keeping its entries, each entry decoded afresh; a slice is
 * decoded element by element into the existing elements, then cut to the new length; interface{}
 * and scalars are replaced; null leaves a struct or scalar as it was). The schema graph says which
 * Go type each place has. JSON.parse would keep only the last occurrence.
 */
import type { JsonNode } from "../../json/parse.js";
import { isObject } from "../read/pointer.js";
import type { Position } from "./schema-graph.js";

function define(out: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty so a "__proto__" key stays an ordinary key, as with JSON.parse.
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

function childAt(position: Position | undefined, key: string): Position | undefined {
  return position?.property(key) ?? position?.other(key);
}

/** The value of `node` decoded the way Go decodes it into the type at `position`. */
export function goValue(node: JsonNode, position: Position | undefined): unknown {
  if (node.type === "array") return node.items.map((item, i) => goValue(item, position?.item(i)));
  if (node.type !== "object") return node.value;
  const out: Record<string, unknown> = {};
  // Only a struct field is decoded again in place; a map entry or an interface{} value is replaced.
  const struct = position?.goShape === "struct";
  for (const m of node.members) {
    const child = childAt(position, m.key);
    const value = goValue(m.value, child);
    define(out, m.key, struct && Object.hasOwn(out, m.key) ? decodeInto(out[m.key], value, child) : value);
  }
  return out;
}

/** `incoming` decoded into the Go value that `existing` was decoded to. */
export function decodeInto(existing: unknown, incoming: unknown, position: Position | undefined): unknown {
  const shape = position?.goShape ?? "other";
  if (incoming === null) return shape === "struct" || (shape === "other" && existing !== null && typeof existing !== "object") ? existing : null;
  if (shape === "struct" && isObject(existing) && isObject(incoming)) {
    const out: Record<string, unknown> = { ...existing };
    for (const [key, value] of Object.entries(incoming)) define(out, key, Object.hasOwn(out, key) ? decodeInto(out[key], value, childAt(position, key)) : value);
    return out;
  }
  if (shape === "map" && isObject(existing) && isObject(incoming)) {
    const out: Record<string, unknown> = { ...existing };
    for (const [key, value] of Object.entries(incoming)) define(out, key, value);
    return out;
  }
  if (shape === "slice" && Array.isArray(existing) && Array.isArray(incoming)) {
    return incoming.map((value, i) => (i < existing.length ? decodeInto(existing[i], value, position?.item(i)) : value));
  }
  return incoming;
}
